# Newsline's HTTP cache: Varnish 7 with vmod xkey (Debian: varnish, varnish-modules).
#
# Django decides what may be cached: a response is stored only when its Cache-Control says
# "public" with a positive max-age (backend/api/http_cache.py, public_cache). Everything else
# (the admin, the device endpoints, errors, redirects, anything with Set-Cookie) goes through
# unstored. Stored responses are purged by the surrogate keys Django names in Surrogate-Key,
# with "PURGE" + "xkey-purge: key1 key2" from the purgers below (backend/purge.py sends them).
#
# Deploying: set the backend (the gunicorn address) and the purgers' network on the lines
# marked NEWSLINE_*; deploy/varnish/README.md shows the varnishd command line.

vcl 4.1;

import std;
import xkey;

backend default {
    .host = "127.0.0.1";  # NEWSLINE_BACKEND_HOST
    .port = "8000";       # NEWSLINE_BACKEND_PORT
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

# Who may purge (and see the keys): this host, and the network the app servers and Celery workers
# purge from. Not a TLS terminator's address that forwards readers: give it the PROXY protocol.
acl purgers {
    "127.0.0.0"/8;
    "::1";
    "10.0.0.0"/8;  # NEWSLINE_PURGE_NETWORK
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge !~ "[^\s,]") {
            return (synth(400, "PURGE needs an xkey-purge header naming the surrogate keys"));
        }
        # A hard purge: the objects are gone, not kept for grace, so a withdrawn story is
        # never served again as a stale copy (xkey.softpurge would keep it).
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }
    # Writes, and anything but a read, go to Django untouched (cookies, bodies and all).
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The editors' site, and whoever is logged in or holds a CSRF token (a form of the admin).
    if (req.url ~ "^/admin(/|$)" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken)=") {
        return (pass);
    }
    # Any other cookie (analytics, consent) changes nothing Django renders for a public read:
    # dropped, so that reads carrying one are still served from the cache.
    unset req.http.Cookie;
    # Falls through to the built-in vcl_recv: Host check, then a lookup. Concurrent misses on
    # one object wait for a single fetch (request coalescing); nothing here turns it off.
}

sub vcl_hash {
    # Paginated answers link their next page with the scheme they were asked with.
    hash_data(req.http.X-Forwarded-Proto);
    # Falls through to the built-in: the URL and the Host.
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Only what Django marks public is stored. Anything else becomes a short "hit-for-miss":
    # not stored, later requests go straight to Django, and a response that turns cacheable
    # (an article just published) is stored at once.
    if (bereq.url ~ "^/admin(/|$)"
        || beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)(^|[\s,])public([\s,]|$)"
        || beresp.http.Cache-Control ~ "(?i)(^|[\s,])(private|no-store|no-cache)([\s,=]|$)"
        || beresp.ttl <= 0s
        || beresp.http.Vary == "*") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The surrogate keys, for xkey.purge().
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    # stale-while-revalidate is the grace: past max-age the stale copy is served while one
    # background fetch refreshes it. Purged objects are gone, grace or not.
    if (beresp.http.Cache-Control ~ "(?i)stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-while-revalidate=([0-9]+).*$", "\1s"), 0s);
    } else {
        set beresp.grace = 0s;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Age is set by Varnish itself. The keys are the cache's business, shown only to a purger
    # that asks for them (X-Cache-Debug: 1) when checking what a purge would reach.
    if (!(req.http.X-Cache-Debug && client.ip ~ purgers)) {
        unset resp.http.Surrogate-Key;
    }
    unset resp.http.xkey;
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        if (resp.status == 200) {
            set resp.http.X-Purged = req.http.xkey-purged;
            set resp.body = "Purged " + req.http.xkey-purged + " objects" + {"
"};
        } else {
            set resp.body = resp.reason + {"
"};
        }
        return (deliver);
    }
}
