"""Process definitions: list deployed versions, deploy new ones, read a version's BPMN."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from atensi.services import services

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.definitions import DefinitionSchema, DeployResultSchema, DeploySchema

FORM_AND_FILES = "form_and_files"


class MultipartParser(FlaskParser):
    """Form fields and uploaded files from one multipart body, loaded by one schema."""

    __location_map__ = {**FlaskParser.__location_map__, FORM_AND_FILES: "load_form_and_files"}

    def load_form_and_files(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


class MultipartBlueprint(Blueprint):
    """Documents a form-and-files schema as one multipart/form-data request body."""

    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             FORM_AND_FILES: "multipart/form-data"}


blp = MultipartBlueprint("definitions", __name__, url_prefix="/api/v1/process-definitions",
                         description="Deployed BPMN processes")
blp.before_request(require_login)


@blp.get("")
@blp.response(200, DefinitionSchema(many=True))
def list_definitions():
    """Every process key with its versions (national ones and the caller's unit's): who deployed each,
    when, for which unit, and how many cases run on it."""
    return services().queries.definitions(current_actor())


@blp.post("")
@blp.arguments(DeploySchema, location=FORM_AND_FILES)
@blp.response(201, DeployResultSchema)
@blp.alt_response(200, schema=DeployResultSchema, description="identical files were deployed before")
def deploy(form):
    """Deploy BPMN, DMN and form files as a new version (supervisor or admin). 400 lists every problem.
    An admin's deploy is the national version, or a unit's own with `unit_id`; a supervisor's is their
    unit's own version."""
    files = {upload.filename or "unnamed": upload.read() for upload in form["files"]}
    version, created = services().runtime.deploy(files, current_actor(), form["note"], form["process_key"],
                                                 form["lane_roles"], form["unit_id"])
    warnings = (version.meta or {}).get("warnings", []) if created else []  # meta is deferred on old ones
    result = {"key": version.process_key, "version": version.version, "created": created, "warnings": warnings}
    return result, 201 if created else 200


@blp.get(f"/<string:key>/versions/<{ROW_ID}:version>/bpmn")
@blp.response(200, {"type": "string"}, content_type="application/xml")
def version_bpmn(key, version):
    """The BPMN 2.0 XML of one version."""
    xml = services().queries.version_bpmn(key, version, current_actor())
    return Response(xml, mimetype="application/xml")
