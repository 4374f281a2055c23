"""What FCM checks in a message before it accepts it: the field violations of a 400 INVALID_ARGUMENT."""

from __future__ import annotations

import json
import re
from typing import Any

from devtools.fcm_emulator.fcm_errors import TARGET_FIELDS

_MESSAGE_FIELDS = frozenset(
    {"name", "data", "notification", "android", "webpush", "apns", "fcm_options", *TARGET_FIELDS}
)
_NOTIFICATION_FIELDS = frozenset({"title", "body", "image"})
_ANDROID_FIELDS = frozenset(
    [
        "collapse_key",
        "priority",
        "ttl",
        "restricted_package_name",
        "data",
        "notification",
        "fcm_options",
        "direct_boot_ok",
        "bandwidth_constrained_ok",
        "restricted_satellite_ok",
    ]
)
_ANDROID_NOTIFICATION_STRINGS = frozenset(
    [
        "title",
        "body",
        "icon",
        "color",
        "sound",
        "tag",
        "click_action",
        "body_loc_key",
        "title_loc_key",
        "channel_id",
        "ticker",
        "image",
        "event_time",
        "notification_priority",
        "visibility",
    ]
)
_APNS_FIELDS = frozenset({"headers", "payload", "fcm_options", "live_activity_token"})
_RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type"})
_TTL = re.compile(r"^\d{1,12}(\.\d{1,9})?s$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TOPIC = re.compile(r"^[a-zA-Z0-9-_.~%]{1,900}$")
_ANALYTICS_LABEL = re.compile(r"^[a-zA-Z0-9-_.~%]{1,50}$")
_MAX_PAYLOAD_BYTES = 4096


def _type_error(path: str, value: Any, kind: str = "TYPE_STRING") -> tuple[str, str]:
    return path, f"Invalid value at '{path}' ({kind}), {json.dumps(value)[:60]}"


def _check_string_map(out: list[tuple[str, str]], path: str, value: Any, *, data: bool = False) -> None:
    if not isinstance(value, dict):
        out.append(_type_error(path, value, "type.googleapis.com/google.protobuf.Map"))
        return
    for key, item in value.items():
        if not isinstance(item, str):
            out.append(_type_error(f"{path}[{key}].value", item))
        elif data and (key in _RESERVED_DATA_KEYS or key.startswith(("google.", "gcm."))):
            out.append((path, f"Invalid data payload key: {key}"))


def _check_strings(out: list[tuple[str, str]], path: str, obj: dict[str, Any], names: frozenset[str]) -> None:
    for name in names & obj.keys():
        if not isinstance(obj[name], str):
            out.append(_type_error(f"{path}.{name}", obj[name]))


def _check_known(out: list[tuple[str, str]], path: str, obj: dict[str, Any], names: frozenset[str]) -> None:
    for name in obj.keys() - names:
        out.append((path, f"Invalid JSON payload received. Unknown name \"{name}\" at '{path}': Cannot find field."))


def validate_message(message: Any) -> list[tuple[str, str]]:
    """The field violations FCM would report for ``message`` (empty when it is valid).

    Covers the essentials the apps' contract depends on: exactly one target, string-only
    data, the notification, android and apns blocks' types and formats, the 4 KB payload
    limit. Token validity is not a payload check: see the token error rules.
    """
    out: list[tuple[str, str]] = []
    if not isinstance(message, dict):
        return [_type_error("message", message, "type.googleapis.com/google.firebase.fcm.v1.Message")]
    _check_known(out, "message", message, _MESSAGE_FIELDS)
    targets = [name for name in TARGET_FIELDS if name in message]
    if not targets:
        out.append(("message", "Recipient of the message is not set."))
    elif len(targets) > 1:
        out.append(("message", f"oneof field 'target' is already set. Cannot set '{targets[1]}'"))
    for name in targets:
        if not isinstance(message[name], str):
            out.append(_type_error(f"message.{name}", message[name]))
    if isinstance(message.get("topic"), str) and not _TOPIC.match(message["topic"]):
        out.append(("message.topic", "Invalid topic name."))

    size = 0
    data = message.get("data")
    if data is not None:
        _check_string_map(out, "message.data", data, data=True)
        if isinstance(data, dict):
            size += sum(len(str(k).encode()) + len(str(v).encode()) for k, v in data.items())

    notification = message.get("notification")
    if notification is not None:
        if isinstance(notification, dict):
            _check_known(out, "message.notification", notification, _NOTIFICATION_FIELDS)
            _check_strings(out, "message.notification", notification, _NOTIFICATION_FIELDS)
            size += sum(len(str(v).encode()) for v in notification.values())
        else:
            out.append(_type_error("message.notification", notification, "TYPE_MESSAGE"))
    if size > _MAX_PAYLOAD_BYTES:
        out.append(("message", "Message is too big. The payload must not exceed 4096 bytes."))

    android = message.get("android")
    if android is not None:
        _validate_android(out, android)
    apns = message.get("apns")
    if apns is not None:
        _validate_apns(out, apns)
    if "webpush" in message and not isinstance(message["webpush"], dict):
        out.append(_type_error("message.webpush", message["webpush"], "TYPE_MESSAGE"))
    fcm_options = message.get("fcm_options")
    if fcm_options is not None:
        if not isinstance(fcm_options, dict):
            out.append(_type_error("message.fcm_options", fcm_options, "TYPE_MESSAGE"))
        elif "analytics_label" in fcm_options and not _ANALYTICS_LABEL.match(str(fcm_options["analytics_label"])):
            out.append(("message.fcm_options.analytics_label", "Invalid analytics label."))
    return out


def _validate_android(out: list[tuple[str, str]], android: Any) -> None:
    path = "message.android"
    if not isinstance(android, dict):
        out.append(_type_error(path, android, "TYPE_MESSAGE"))
        return
    _check_known(out, path, android, _ANDROID_FIELDS)
    _check_strings(out, path, android, frozenset({"collapse_key", "restricted_package_name"}))
    priority = android.get("priority")
    if priority is not None and (not isinstance(priority, str) or priority.upper() not in ("NORMAL", "HIGH")):
        out.append(_type_error(f"{path}.priority", priority, "TYPE_ENUM"))
    ttl = android.get("ttl")
    if ttl is not None and (not isinstance(ttl, str) or not _TTL.match(ttl)):
        out.append(_type_error(f"{path}.ttl", ttl, "type.googleapis.com/google.protobuf.Duration"))
    if "data" in android:
        _check_string_map(out, f"{path}.data", android["data"], data=True)
    notification = android.get("notification")
    if notification is not None:
        if not isinstance(notification, dict):
            out.append(_type_error(f"{path}.notification", notification, "TYPE_MESSAGE"))
        else:
            _check_strings(out, f"{path}.notification", notification, _ANDROID_NOTIFICATION_STRINGS)
            color = notification.get("color")
            if isinstance(color, str) and not _COLOR.match(color):
                out.append((f"{path}.notification.color", "Invalid color format, expected #rrggbb."))


def _validate_apns(out: list[tuple[str, str]], apns: Any) -> None:
    path = "message.apns"
    if not isinstance(apns, dict):
        out.append(_type_error(path, apns, "TYPE_MESSAGE"))
        return
    _check_known(out, path, apns, _APNS_FIELDS)
    headers = apns.get("headers")
    if headers is not None:
        _check_string_map(out, f"{path}.headers", headers)
        if isinstance(headers, dict):
            priority = headers.get("apns-priority")
            if isinstance(priority, str) and priority not in ("1", "5", "10"):
                out.append((f"{path}.headers", "Invalid apns-priority: must be 1, 5 or 10."))
            expiration = headers.get("apns-expiration")
            if isinstance(expiration, str) and not expiration.isdigit():
                out.append((f"{path}.headers", "Invalid apns-expiration: must be a UNIX epoch in seconds."))
    payload = apns.get("payload")
    if payload is not None:
        if not isinstance(payload, dict):
            out.append(_type_error(f"{path}.payload", payload, "type.googleapis.com/google.protobuf.Struct"))
        elif "aps" in payload and not isinstance(payload["aps"], dict):
            out.append((f"{path}.payload", "Invalid APNs payload: aps must be a dictionary."))
        elif isinstance(payload.get("aps"), dict):
            aps = payload["aps"]
            if "thread-id" in aps and not isinstance(aps["thread-id"], str):
                out.append((f"{path}.payload", "Invalid APNs payload: thread-id must be a string."))
            sound = aps.get("sound")
            if sound is not None and not isinstance(sound, str | dict):
                out.append((f"{path}.payload", "Invalid APNs payload: sound must be a string or a dictionary."))
