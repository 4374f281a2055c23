/*
 * The alert compose page (admin/notifications/alert/change_form.html).
 *
 * - Title and body counters ("23 / 65", output.char-counter) follow each keystroke and turn to the
 *   warning colour past what a lock screen shows; the server refuses what is over.
 * - The title and body are right-to-left when the chosen edition is (option[data-dir]); so are
 *   each other edition's (the .alert-edition rows, editions-N-*), by that row's edition.
 * - Choosing an article fills an empty title and body (and an unchosen edition) from it, and a row
 *   for each of its published translations in other editions.
 * - The empty other-edition rows show one at a time: "Add an edition" shows the next.
 * - #alert-audience says how many devices the alert will reach, in each edition and in all, asked
 *   again whenever the editions, target, sections, tags, authors or urgency change; a zero is a warning.
 *
 * Loaded from a static file (a Content-Security-Policy allows no inline script); the two JSON
 * addresses come from #alert-compose's data- attributes. Without it the form still works.
 */
"use strict";
(function () {
    // What the server counts: code points, a line break posted as CR LF.
    function length(text) {
        return Array.from(text.replace(/\r?\n/g, "\r\n")).length;
    }

    function setUpCounters(form) {
        form.querySelectorAll("output.char-counter").forEach(function (counter) {
            const input = document.getElementById(counter.getAttribute("for"));
            const limit = Number(counter.dataset.limit);
            if (!input || !limit) {
                return;
            }
            const update = function () {
                const used = length(input.value);
                counter.textContent = used + " / " + limit;
                counter.classList.toggle("char-counter--over", used > limit);
            };
            input.addEventListener("input", update);
            update();
        });
    }

    // prefix "" is the alert's own edition; "editions-N-" one of the other editions' rows.
    function setDirection(form, prefix) {
        const edition = form.elements.namedItem(prefix + "edition");
        const option = edition && edition.selectedOptions ? edition.selectedOptions[0] : null;
        const dir = option && option.value ? option.dataset.dir : "";
        ["title", "body"].forEach(function (name) {
            const input = form.elements.namedItem(prefix + name);
            if (!input) {
                return;
            }
            if (dir) {
                input.dir = dir;
            } else {
                input.removeAttribute("dir");
            }
        });
    }

    const ROW_FIELD = /^(editions-\d+-)(edition|title|body)$/;

    function editionRows(form) {
        return Array.from(form.querySelectorAll(".alert-edition")).map(function (row, index) {
            return {element: row, prefix: "editions-" + index + "-"};
        });
    }

    function rowValue(form, row, name) {
        const field = form.elements.namedItem(row.prefix + name);
        return field ? field.value.trim() : "";
    }

    function rowIsEmpty(form, row) {
        return !rowValue(form, row, "edition") && !rowValue(form, row, "title") && !rowValue(form, row, "body");
    }

    // Rows with something in them, and the first empty one, show; "Add an edition" shows the next.
    function setUpRows(form) {
        const rows = editionRows(form);
        const more = form.querySelector(".alert-editions-more");
        if (!rows.length || !more) {
            return function () {};
        }
        const refresh = function () {
            more.hidden = !rows.some(function (row) {
                return row.element.hidden;
            });
        };
        let shownEmpty = false;
        rows.forEach(function (row) {
            setDirection(form, row.prefix);
            if (rowIsEmpty(form, row) && !row.element.classList.contains("errors")) {
                row.element.hidden = shownEmpty;
                shownEmpty = true;
            }
        });
        refresh();
        more.querySelector("button").addEventListener("click", function () {
            const next = rows.find(function (row) {
                return row.element.hidden;
            });
            if (next) {
                next.element.hidden = false;
                const edition = form.elements.namedItem(next.prefix + "edition");
                if (edition) {
                    edition.focus();
                }
            }
            refresh();
        });
        return function (row) {
            row.element.hidden = false;
            refresh();
        };
    }

    // What a followers target chooses: multiple selects (tags and authors are the admin's autocompletes).
    const FOLLOWED = ["sections", "tags", "authors"];

    function audienceQuery(form) {
        const params = new URLSearchParams();
        ["edition", "target", "urgency"].forEach(function (name) {
            const field = form.elements.namedItem(name);
            if (field && field.value) {
                params.append(name, field.value);
            }
        });
        editionRows(form).forEach(function (row) {
            const edition = rowValue(form, row, "edition");
            if (edition) {
                params.append("editions", edition);
            }
        });
        FOLLOWED.forEach(function (name) {
            const chosen = form.elements.namedItem(name);
            if (chosen && chosen.selectedOptions) {
                Array.from(chosen.selectedOptions).forEach(function (option) {
                    params.append(name, option.value);
                });
            }
        });
        return params;
    }

    function audienceUpdater(form, line, url) {
        let pending = null;
        return function () {
            const params = audienceQuery(form);
            if (!params.get("edition") || !params.get("target")) {
                return;
            }
            if (pending) {
                pending.abort(); // only the answer to the latest settings is shown
            }
            pending = new AbortController();
            fetch(url + "?" + params.toString(), {
                credentials: "same-origin",
                headers: {Accept: "application/json"},
                signal: pending.signal,
            })
                .then(function (response) {
                    return response.ok ? response.json() : null;
                })
                .then(function (answer) {
                    if (!answer) {
                        return;
                    }
                    line.textContent = answer.message;
                    line.dataset.devices = String(answer.devices);
                    line.classList.toggle("alert-audience--none", answer.none);
                })
                .catch(function (error) {
                    if (error.name !== "AbortError") {
                        line.textContent = "The audience could not be counted just now; the next page shows it.";
                    }
                });
        };
    }

    function fillInput(input, text) {
        if (input && !input.value.trim()) {
            input.value = text;
            input.dispatchEvent(new Event("input", {bubbles: true}));
        }
    }

    // Each translation goes to the row of its edition, or else to the first row with no edition.
    function fillTranslations(form, translations, showRow) {
        const rows = editionRows(form);
        translations.forEach(function (translation) {
            const edition = String(translation.edition);
            const row =
                rows.find(function (each) {
                    return rowValue(form, each, "edition") === edition;
                }) ||
                rows.find(function (each) {
                    return rowIsEmpty(form, each);
                });
            if (!row) {
                return;
            }
            const select = form.elements.namedItem(row.prefix + "edition");
            if (select && !select.value) {
                select.value = edition;
                setDirection(form, row.prefix);
                select.dispatchEvent(new Event("change", {bubbles: true}));
            }
            fillInput(form.elements.namedItem(row.prefix + "title"), translation.title);
            fillInput(form.elements.namedItem(row.prefix + "body"), translation.body);
            showRow(row);
        });
    }

    function fillFromArticle(form, url, articleId, showRow) {
        if (!articleId) {
            return;
        }
        fetch(url + "?" + new URLSearchParams({article: articleId}).toString(), {
            credentials: "same-origin",
            headers: {Accept: "application/json"},
        })
            .then(function (response) {
                return response.ok ? response.json() : null;
            })
            .then(function (article) {
                if (!article) {
                    return;
                }
                const edition = form.elements.namedItem("edition");
                if (edition && !edition.value) {
                    edition.value = String(article.edition);
                    edition.dispatchEvent(new Event("change", {bubbles: true}));
                }
                ["title", "body"].forEach(function (name) {
                    fillInput(form.elements.namedItem(name), article[name]);
                });
                fillTranslations(form, article.translations || [], showRow);
            })
            .catch(function () {
                // Nothing filled: the editor writes the title and body.
            });
    }

    function setUp() {
        const config = document.getElementById("alert-compose");
        const form = document.getElementById("alert_form");
        if (!config || !form) {
            return;
        }
        setUpCounters(form);
        setDirection(form, "");
        const showRow = setUpRows(form);

        const line = document.getElementById("alert-audience");
        const updateAudience = line ? audienceUpdater(form, line, config.dataset.audienceUrl) : function () {};
        form.addEventListener("change", function (event) {
            const name = event.target.name;
            const row = ROW_FIELD.exec(name || "");
            if (name === "edition") {
                setDirection(form, "");
            }
            if (row && row[2] === "edition") {
                setDirection(form, row[1]);
                updateAudience();
            }
            if (["edition", "target", "urgency", ...FOLLOWED].includes(name)) {
                updateAudience();
            }
        });
        updateAudience();
        // The autocompletes (select2) announce a choice through jQuery's own events only; their
        // "change" also fires as they start up, so only the editor's choices are listened to.
        if (window.django && window.django.jQuery) {
            ["tags", "authors"].forEach(function (name) {
                const field = form.elements.namedItem(name);
                if (field) {
                    window.django.jQuery(field).on("select2:select select2:unselect", updateAudience);
                }
            });
        }

        // The article picker is the admin's autocomplete (select2), which announces a choice
        // through jQuery's own events only.
        const article = form.elements.namedItem("article");
        if (article) {
            const choose = function () {
                fillFromArticle(form, config.dataset.articleUrl, article.value, showRow);
            };
            if (window.django && window.django.jQuery) {
                window.django.jQuery(article).on("change", choose);
            } else {
                article.addEventListener("change", choose);
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setUp);
    } else {
        setUp();
    }
})();
