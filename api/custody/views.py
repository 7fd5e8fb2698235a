"""Chain of custody: manifests and their confirmations, tags and labels, alerts, checkpoints."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from api.custody import alerts, labels, service, verification
from api.custody.chain import verify_chain
from api.custody.checkpoints import checkpoint_document, list_checkpoints
from api.custody.schemas import (
    AlertAcknowledgementCreateSchema,
    AlertQueryArgsSchema,
    AlertResolutionCreateSchema,
    AlertSchema,
    ChainVerificationSchema,
    CheckpointSchema,
    ConfirmationCreateSchema,
    CorrectionCreateSchema,
    ManifestQueryArgsSchema,
    ManifestSchema,
    TagBatchCreateSchema,
    TagBatchSchema,
    VerificationSchema,
)
from api.db import get_session
from api.web import atomic, auth_required, current_user_id, list_page

blp = Blueprint("custody", __name__, url_prefix="/api", description="Chain of custody")

PARTIES = ("resident", "collector", "station", "plant", "admin", "regulator")


@blp.route("/manifests")
class Manifests(MethodView):
    @auth_required(*PARTIES)
    @blp.arguments(ManifestQueryArgsSchema, location="query")
    @blp.response(200, ManifestSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Manifests I am a party to (all, for admins and regulators), newest first"""
        return list_page(
            pagination_parameters,
            service.list_manifests,
            user_id=current_user_id(),
            **args,
        )


@blp.route("/manifests/<int:manifest_id>")
class ManifestItem(MethodView):
    @auth_required(*PARTIES)
    @blp.response(200, ManifestSchema)
    def get(self, manifest_id):
        """One manifest (its parties, admins, regulators)"""
        return service.get_manifest_for_user(
            get_session(), manifest_id=manifest_id, user_id=current_user_id()
        )


@blp.route("/manifests/<int:manifest_id>/confirmations")
class Confirmations(MethodView):
    @atomic(idempotent=True)
    @auth_required("resident", "collector", "station", "plant")
    @blp.arguments(ConfirmationCreateSchema)
    @blp.response(201, ManifestSchema)
    def post(self, data, manifest_id):
        """Confirm the manifest as I saw it: send its content_hash (stale hash: 409)"""
        return service.confirm_manifest(
            get_session(),
            manifest_id=manifest_id,
            user_id=current_user_id(),
            content_hash=data["content_hash"],
        )


@blp.route("/manifests/<int:manifest_id>/corrections")
class Corrections(MethodView):
    @atomic(idempotent=True)
    @auth_required("resident", "collector", "station", "plant", "admin")
    @blp.arguments(CorrectionCreateSchema)
    @blp.response(201, ManifestSchema)
    def post(self, data, manifest_id):
        """Correct a manifest: a new version voids and replaces it (the old one stays)"""
        return service.correct_manifest(
            get_session(), manifest_id=manifest_id, user_id=current_user_id(), **data
        )


@blp.route("/manifests/<int:manifest_id>/history")
class History(MethodView):
    @auth_required(*PARTIES)
    @blp.response(200, ManifestSchema(many=True))
    def get(self, manifest_id):
        """Every version of this hand-over's manifest, first to latest"""
        return service.manifest_history(
            get_session(), manifest_id=manifest_id, user_id=current_user_id()
        )


@blp.route("/manifests/<int:manifest_id>/verification")
class Verification(MethodView):
    @auth_required(*PARTIES)
    @blp.response(200, VerificationSchema)
    def get(self, manifest_id):
        """Recompute the manifest's chain links and content hash: ok, or the first bad seq"""
        return verification.verify_manifest(
            get_session(), manifest_id=manifest_id, user_id=current_user_id()
        )


@blp.route("/custody/verification")
class ChainVerification(MethodView):
    @auth_required("admin", "regulator")
    @blp.response(200, ChainVerificationSchema)
    def get(self):
        """Recompute the whole custody chain (admins, regulators)"""
        return verify_chain(get_session())


@blp.route("/custody/checkpoints")
class Checkpoints(MethodView):
    @auth_required("admin", "regulator")
    @blp.response(200, CheckpointSchema(many=True))
    def get(self):
        """Signed daily checkpoints of the chain head: keep them to detect any rewrite"""
        return [checkpoint_document(c) for c in list_checkpoints(get_session())]


@blp.route("/tags/batches")
class TagBatches(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin", "station")
    @blp.arguments(TagBatchCreateSchema)
    @blp.response(201, TagBatchSchema)
    def post(self, data):
        """Issue a batch of bag tags to an approved collector (admin or station staff)"""
        codes = labels.issue_tag_batch(get_session(), actor_user_id=current_user_id(), **data)
        return {"collector_id": data["collector_id"], "count": len(codes), "tag_codes": codes}


def _label(code: str) -> str:
    return labels.get_tag_for_label(get_session(), code=code, user_id=current_user_id()).tag_code


@blp.route("/tags/<string:code>/label.svg")
class LabelSvg(MethodView):
    @auth_required("collector", "station", "admin")
    @blp.response(200, content_type="image/svg+xml")
    def get(self, code):
        """A printable SVG bag label (QR code + the code)"""
        return Response(labels.label_svg(_label(code)), mimetype="image/svg+xml")


@blp.route("/tags/<string:code>/label.png")
class LabelPng(MethodView):
    @auth_required("collector", "station", "admin")
    @blp.response(200, content_type="image/png")
    def get(self, code):
        """A printable PNG QR code of the tag"""
        return Response(labels.label_png(_label(code)), mimetype="image/png")


@blp.route("/alerts")
class Alerts(MethodView):
    @auth_required("admin")
    @blp.arguments(AlertQueryArgsSchema, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Custody alerts, newest first (admin)"""
        return list_page(
            pagination_parameters,
            alerts.list_alerts,
            **args,
        )


@blp.route("/alerts/<int:alert_id>/acknowledgement")
class Acknowledgement(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin")
    @blp.arguments(AlertAcknowledgementCreateSchema)
    @blp.response(200, AlertSchema)
    def post(self, _data, alert_id):
        """Acknowledge an alert (someone is looking at it)"""
        return alerts.acknowledge_alert(get_session(), alert_id=alert_id, user_id=current_user_id())


@blp.route("/alerts/<int:alert_id>/resolution")
class Resolution(MethodView):
    @atomic(idempotent=True)
    @auth_required("admin")
    @blp.arguments(AlertResolutionCreateSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Resolve an alert with a note saying what was found"""
        return alerts.resolve_alert(
            get_session(), alert_id=alert_id, user_id=current_user_id(), note=data["note"]
        )
