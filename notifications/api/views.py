"""Device registration and management, the alert inbox, and engagement events (API.md)."""

import json
import re
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.http_cache import public_cache, strong_etag
from backend.api.pagination import Keyset, paginate
from backend.api.params import validated
from backend.api.schema import (
    PAGE_PARAMETERS,
    PROBLEM_CONTENT_TYPE,
    PROBLEM_RESPONSES,
    WRITE_PROBLEM_RESPONSES,
    BoundedListAutoSchema,
    ProblemSerializer,
    paginated,
    problems,
)
from backend.api.throttles import (
    INSTALL_ID_HEADER,
    DeviceWriteThrottle,
    EventsAddressThrottle,
    EventsThrottle,
    RegistrationThrottle,
    WriteThrottle,
    address_bucket,
    client_ip,
    install_id,
)
from newsapi.fields import EditionParams
from newsapi.models import Article
from newsapi.services import article_views_record
from newsapi.view_counting import Viewer
from notifications import devices, selectors, services
from notifications.api.auth import SCHEME, DeviceAuthentication, device_secret_from
from notifications.api.serializers import (
    MAX_EVENTS,
    MAX_ID,
    AlertInboxSerializer,
    DeviceInboxItemSerializer,
    DeviceInputSerializer,
    DeviceRegisteredSerializer,
    DeviceSerializer,
    EventSchema,
    EventSerializer,
)
from notifications.app_check import APP_CHECK_HEADER, AppCheckFailed, AppCheckUnavailable, app_check_verify
from notifications.device_secrets import secret_matches
from notifications.models import Alert, AlertState, Device
from notifications.selectors import alert_inbox_key

# The detail views check the secret against the id's row themselves (no authentication class to discover).
DEVICE_SECRET_AUTH: Any = [{"deviceSecret": []}]
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_-]{8,128}$"
IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
IDEMPOTENCY_SECONDS = 24 * 3600
INBOX = Keyset("alerts", [("started_at", "datetime"), ("id", "int")], descending=True)
DEVICE_INBOX = Keyset("device-alerts", [("sent_at", "datetime"), ("alert_id", "int")], descending=True)
INSTALL_ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

APP_CHECK_PARAMETER = OpenApiParameter(
    APP_CHECK_HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "The app's Firebase App Check token, when the server requires App Check (APP_CHECK_REQUIRED): "
        "without it, or with a token not valid for this Firebase project, the registration is a 401."
    ),
)
APP_CHECK_UNAVAILABLE_RESPONSE: dict[int | tuple[int, str], OpenApiResponse] = {
    (503, PROBLEM_CONTENT_TYPE): OpenApiResponse(
        ProblemSerializer, description="App Check is required and its keys cannot be fetched right now."
    )
}


class AppCheckDown(exceptions.APIException):
    """App Check is required and no token can be verified now (its keys are out of reach)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "App Check cannot verify tokens right now; try again later."
    default_code = "app_check_unavailable"


def app_check_refusal(error: AppCheckFailed) -> exceptions.APIException:
    """The 401 for a missing (``not_authenticated``) or invalid (``authentication_failed``) App Check token."""
    if error.missing:
        return exceptions.NotAuthenticated(str(error))
    return exceptions.AuthenticationFailed(str(error))


def device_for(request: Request, pk: int, devices: QuerySet[Device] | None = None) -> Device:
    """The device ``pk`` (from ``devices``), for a request carrying its secret in ``Authorization: Device``.

    No credential, or a malformed one: 401. Any other device's id, or a wrong secret: 404, the same
    answer as for an id that does not exist, so a secret never reveals which ids do.
    """
    secret = device_secret_from(request)
    if secret is None:
        raise exceptions.NotAuthenticated("Send 'Authorization: Device <device_secret>'.")
    device = (devices if devices is not None else Device.objects.all()).filter(pk=pk).first()
    if device is None or not secret_matches(device, secret):
        raise exceptions.NotFound("No such device for this secret.")
    return device


DEVICE_DETAIL = Device.objects.prefetch_related("sections", "tags", "authors").select_related("edition")


class DeviceListView(APIView):
    # Its own per-address budget (THROTTLE_REGISTRATION), shared with neither device changes nor beacons.
    throttle_classes = [RegistrationThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        # A missing or bad App Check token (APP_CHECK_REQUIRED) is a 401, which must name a scheme:
        # without one DRF would turn it into a 403.
        return f'AppCheck header="{APP_CHECK_HEADER}"'

    @extend_schema(
        request=DeviceInputSerializer,
        parameters=[APP_CHECK_PARAMETER],
        responses={
            201: DeviceRegisteredSerializer,
            200: OpenApiResponse(
                DeviceRegisteredSerializer, description="The token was known: same device, new secret."
            ),
            **WRITE_PROBLEM_RESPONSES,
            **problems(401),
            **APP_CHECK_UNAVAILABLE_RESPONSE,
        },
        operation_id="devices_register",
    )
    def post(self, request: Request) -> Response:
        serializer = DeviceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ip = client_ip(request)
        try:
            registration = devices.device_register(
                data=serializer.validated_data, ip=ip, app_check_token=request.headers.get(APP_CHECK_HEADER)
            )
        except devices.RegistrationLimitReached:
            raise exceptions.Throttled(wait=3600, detail="Too many new devices from this address today.") from None
        except AppCheckFailed as error:
            raise app_check_refusal(error) from None
        except AppCheckUnavailable:
            raise AppCheckDown() from None
        body = DeviceRegisteredSerializer(registration.device).data
        body["device_secret"] = registration.secret
        response = Response(body, status=status.HTTP_201_CREATED if registration.created else status.HTTP_200_OK)
        response["Cache-Control"] = "no-store"
        return response


class DeviceDetailView(APIView):
    """One device, for the app that holds its secret. Any other device's id is a 404."""

    def get_throttles(self) -> list[Any]:
        if self.request.method in ("PATCH", "DELETE"):
            return [WriteThrottle(), DeviceWriteThrottle()]
        return super().get_throttles()

    def get_authenticate_header(self, request: Request) -> str:
        # No authentication class runs here (the secret is checked against the id's row), so
        # without this DRF would turn a missing or malformed credential into a 403.
        return SCHEME

    def _device(self, request: Request, pk: int) -> Device:
        return device_for(request, pk, DEVICE_DETAIL)

    def _respond(self, device: Device) -> Response:
        response = Response(DeviceSerializer(device).data)
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(auth=DEVICE_SECRET_AUTH, responses={200: DeviceSerializer, **problems(401, 404, 429)})
    def get(self, request: Request, pk: int) -> Response:
        return self._respond(self._device(request, pk))

    @extend_schema(
        auth=DEVICE_SECRET_AUTH,
        request=DeviceInputSerializer(partial=True),
        responses={200: DeviceSerializer, **problems(400, 401, 404, 413, 415, 429)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        device = self._device(request, pk)
        serializer = DeviceInputSerializer(data=request.data, partial=True, context={"device": device})
        serializer.is_valid(raise_exception=True)
        try:
            device = devices.device_update(device=device, data=serializer.validated_data)
        except devices.TokenTaken:
            raise exceptions.ValidationError(
                {"token": ["Another device has this token: register it instead."]}
            ) from None
        return self._respond(DEVICE_DETAIL.get(pk=device.pk))

    @extend_schema(auth=DEVICE_SECRET_AUTH, responses={204: None, **problems(401, 404, 429)})
    def delete(self, request: Request, pk: int) -> Response:
        devices.device_delete(device=self._device(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceAlertsView(APIView):
    """The device's own inbox: what it was sent, newest first, with read state. Private to the device."""

    def get_authenticate_header(self, request: Request) -> str:
        return SCHEME  # as DeviceDetailView: a missing credential is a 401

    @extend_schema(
        auth=DEVICE_SECRET_AUTH,
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(DeviceInboxItemSerializer), **problems(400, 401, 404, 429)},
        operation_id="devices_alerts_list",
    )
    def get(self, request: Request, pk: int) -> Response:
        device = device_for(request, pk, Device.objects.select_related("edition"))
        page = paginate(selectors.device_inbox_items(device=device), request, DEVICE_INBOX)
        items = DeviceInboxItemSerializer(page.items, many=True, context={"request": request}).data  # type: ignore[arg-type]
        body = page.as_dict(items)
        response = Response(body)
        # The ETag of the content, not of the bytes the middleware would hash: gzip pads a response that
        # is not public with random bytes, so apps (which ask for gzip) would never get a 304. Gzip marks
        # this one weak, which If-None-Match compares as equal.
        response["ETag"] = strong_etag(json.dumps(body, sort_keys=True, cls=DjangoJSONEncoder).encode())
        # One device's, read state included: the app may keep it and revalidate (ETag, 304), no shared
        # cache may store it (never public_cache: no Surrogate-Key, never in the response cache).
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Authorization"])
        return response


class DeviceAlertReadView(APIView):
    """Mark one alert of the device's inbox read."""

    throttle_classes = [WriteThrottle, DeviceWriteThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        return SCHEME

    @extend_schema(
        auth=DEVICE_SECRET_AUTH,
        request=None,
        responses={
            204: OpenApiResponse(description="Read (already read: the first time stays)."),
            **problems(401, 404, 429),
        },
        operation_id="devices_alerts_read",
    )
    def post(self, request: Request, pk: int, alert_id: int) -> Response:
        device = device_for(request, pk)
        # Past the largest id a column holds, the UPDATE would fail (an OverflowError on SQLite): no such alert.
        if alert_id > MAX_ID or not services.alert_mark_read(device=device, alert_id=alert_id):
            raise exceptions.NotFound("No such alert in this device's inbox.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertInboxView(APIView):
    @extend_schema(
        parameters=[EditionParams, *PAGE_PARAMETERS],
        responses={200: paginated(AlertInboxSerializer), **PROBLEM_RESPONSES},
        operation_id="alerts_list",
    )
    def get(self, request: Request) -> Response:
        edition = validated(EditionParams, request)["lang"]
        alerts = (
            Alert.objects.filter(
                edition=edition,
                state__in=[AlertState.SENDING, AlertState.SENT, AlertState.PARTIALLY_FAILED],
                started_at__isnull=False,
            )
            # An alert about a story that was withdrawn leaves the inbox with it.
            .filter(Q(article__isnull=True) | Q(article__in=Article.objects.published()))
            .select_related("edition", "article__section", "article__edition")
        )
        page = paginate(alerts, request, INBOX)
        response = Response(page.as_dict(AlertInboxSerializer(page.items, many=True).data))
        # Each alert's article too: its withdrawal or correction purges the inbox pages showing it.
        articles = [f"article-{alert.article_id}" for alert in page.items if alert.article_id is not None]
        keys = [alert_inbox_key(edition.code), f"edition-{edition.code}", *articles]
        return public_cache(response, keys=keys)  # type: ignore[return-value]


class EventsView(APIView):
    """Engagement beacons. Malformed batches are a 400; events about unknown ids are dropped.

    Views count from registered devices (``Authorization: Device``) and from install ids
    (``X-Install-Id``), once per reader per article per hour, install ids capped per address;
    anonymous views are accepted and never counted (``newsapi.view_counting``).
    """

    authentication_classes = [DeviceAuthentication]
    # Per sender, and per address only as a high backstop: never the registration or write budgets.
    throttle_classes = [EventsAddressThrottle, EventsThrottle]
    schema = BoundedListAutoSchema()

    @extend_schema(
        request=serializers.ListSerializer(child=EventSchema, min_length=1, max_length=MAX_EVENTS),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                OpenApiParameter.HEADER,
                description=(
                    "A key the app makes once per batch (a UUID) and sends again with every retry of it: "
                    "a batch already counted under this key (for a day) is accepted and not counted twice."
                ),
            ),
            OpenApiParameter(
                INSTALL_ID_HEADER,
                {"type": "string", "format": "uuid", "pattern": INSTALL_ID_PATTERN},
                OpenApiParameter.HEADER,
                description=(
                    "For an app without a device secret: a UUID it made once per install and keeps. Its views "
                    "count once per article per hour, and at most VIEWS_INSTALLS_PER_ADDRESS install ids per "
                    "article per hour count from one address. Ignored with 'Authorization: Device'. Without "
                    "either, the batch is accepted and its views are not counted."
                ),
            ),
            OpenApiParameter(
                APP_CHECK_HEADER,
                str,
                OpenApiParameter.HEADER,
                description=(
                    "When the server requires Firebase App Check: needed with an install id (not with a device "
                    "secret). A missing or invalid token is a 401."
                ),
            ),
        ],
        responses={
            202: OpenApiResponse(description="Accepted."),
            **problems(400, 401, 413, 415, 429),
            **APP_CHECK_UNAVAILABLE_RESPONSE,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = EventSerializer(data=request.data, many=True, min_length=1, max_length=MAX_EVENTS)  # type: ignore[call-arg]
        serializer.is_valid(raise_exception=True)
        events: list[dict[str, Any]] = serializer.validated_data
        device = request.auth if isinstance(request.auth, Device) else None
        try:
            install = install_id(request)
        except ValueError as error:
            raise exceptions.ValidationError({INSTALL_ID_HEADER: [str(error)]}) from None
        opens = [event["alert"] for event in events if event["type"] == "alert_open"]
        if opens and device is None:
            raise exceptions.NotAuthenticated("alert_open events need 'Authorization: Device <device_secret>'.")
        viewer: Viewer | None = None
        if device is not None:
            viewer = Viewer.device(device.pk)
        elif install is not None:
            try:
                app_check_verify(request.headers.get(APP_CHECK_HEADER))
            except AppCheckFailed as error:
                raise app_check_refusal(error) from None
            except AppCheckUnavailable:
                raise AppCheckDown() from None
            viewer = Viewer.install(install, address=address_bucket(client_ip(request)))
        claim = self._claim_idempotency_key(request, device, install)
        if claim is None:
            return Response(status=status.HTTP_202_ACCEPTED)  # a retry of a batch already counted
        try:
            if opens and device is not None:
                services.alerts_record_opens(device=device, alert_ids=opens)
            now = timezone.now()
            views = [(event["article"], event.get("at") or now) for event in events if event["type"] == "view"]
            # Anonymous views (no device, no install id) are accepted and not counted: anyone can send them.
            if views and viewer is not None:
                article_views_record(views=views, viewer=viewer, now=now)
            # share events are validated and accepted, and not stored: nothing reads them yet.
        except Exception:
            if claim:
                cache.delete(claim)  # nothing was counted: let the retry count it
            raise
        return Response(status=status.HTTP_202_ACCEPTED)

    def _claim_idempotency_key(self, request: Request, device: Device | None, install: str | None) -> str | None:
        """The cache key now holding this batch's Idempotency-Key ("" without one), or None for a repeat."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return ""
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["Use 8 to 128 letters, digits, '-' or '_' (a UUID is ideal)."]}
            )
        if device is not None:
            sender = f"device-{device.pk}"
        elif install is not None:
            sender = f"install-{install}"
        else:
            sender = f"ip-{client_ip(request)}"
        claim = f"events-batch:{sender}:{key}"
        return claim if cache.add(claim, 1, timeout=IDEMPOTENCY_SECONDS) else None
