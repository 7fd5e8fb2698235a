"""Regulators: manifests, material flows, alerts, registry and compliance (no personal data)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.custody import alerts
from api.custody import service as custody
from api.custody.compliance import compliance_report
from api.custody.compliance_actions import take_compliance_action
from api.custody.schemas import (
    AlertQueryArgsSchema,
    AlertSchema,
    ManifestQueryArgsSchema,
    ManifestSchema,
)
from api.db import get_session
from api.errors import NotFoundError
from api.regulators import service
from api.regulators.schemas import (
    ComplianceActionCreateSchema,
    ComplianceCaseSchema,
    ComplianceSchema,
    FlowQueryArgsSchema,
    FlowSchema,
    RegistrySchema,
)
from api.timeutil import local_today
from api.web import atomic, auth_required, current_user_id, list_page

blp = Blueprint(
    "regulators", __name__, url_prefix="/api/regulator", description="Regulators (read-only)"
)


@blp.route("/manifests")
class Manifests(MethodView):
    @auth_required("regulator")
    @blp.arguments(ManifestQueryArgsSchema, location="query")
    @blp.response(200, ManifestSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Every manifest, newest first (parties by pseudonym or organisation id)"""
        return list_page(
            pagination_parameters,
            custody.list_manifests,
            user_id=current_user_id(),
            **args,
        )


@blp.route("/flows")
class Flows(MethodView):
    @auth_required("regulator")
    @blp.arguments(FlowQueryArgsSchema, location="query")
    @blp.response(200, FlowSchema(many=True))
    def get(self, args):
        """Grams through each hand-over by material and zone over a period"""
        return service.material_flows(get_session(), **args)


@blp.route("/alerts")
class Alerts(MethodView):
    @auth_required("regulator")
    @blp.arguments(AlertQueryArgsSchema, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Custody alerts, newest first"""
        return list_page(
            pagination_parameters,
            alerts.list_alerts,
            **args,
        )


@blp.route("/registry")
class Registry(MethodView):
    @auth_required("regulator")
    @blp.response(200, RegistrySchema)
    def get(self):
        """Collectors (id, status, vehicle), stations and plants with their status"""
        return service.registry(get_session())


@blp.route("/compliance")
class Compliance(MethodView):
    @auth_required("regulator", "admin")
    @blp.response(200, ComplianceSchema(many=True))
    def get(self):
        """Compliance scores of collectors and plants, worst first"""
        return compliance_report(get_session(), today=local_today())


@blp.route("/compliance/<string:kind>/<int:subject_id>/actions")
class ComplianceActions(MethodView):
    @atomic(idempotent=True)
    @auth_required("regulator", "admin")
    @blp.arguments(ComplianceActionCreateSchema)
    @blp.response(201, ComplianceCaseSchema)
    def post(self, data, kind, subject_id):
        """Open or close a review, suspend or reinstate a collector or plant"""
        opens = data["action"] in ("open_review", "suspend")
        return take_compliance_action(
            get_session(),
            kind=_check_kind(kind),
            subject_id=subject_id,
            action=data["action"],
            text=data.get("reason") if opens else data.get("note"),
            actor_user_id=current_user_id(),
            today=local_today(),
        )


def _check_kind(kind: str) -> str:
    if kind not in ("collector", "plant"):
        raise NotFoundError()
    return kind
