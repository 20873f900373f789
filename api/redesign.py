"""Redesigning a process from the editor: a version's files, validate, diff, scenarios, deploy."""
from __future__ import annotations

from flask import Response, current_app

from atensi.services import services
from engine.definitions.redesign import Redesign, ScenariosFailed

from .auth import current_actor, require_login
from .definitions import FORM_AND_FILES, MultipartBlueprint
from .errors import ROW_ID, problem
from .schemas.redesign import (
    DiffArgs,
    DiffSchema,
    DraftSchema,
    EditorDeployResultSchema,
    EditorDeploySchema,
    FileInfoSchema,
    ScenarioRunSchema,
    UnpackedFileSchema,
    UnpackSchema,
    ValidateUploadSchema,
    ValidationSchema,
)

blp = MultipartBlueprint("redesign", __name__, url_prefix="/api/v1/process-definitions",
                description="Redesigning a process: validate, compare versions, run scenarios, deploy a draft")
blp.before_request(require_login)
MIME = {"bpmn": "application/xml", "dmn": "application/xml", "form": "application/json",
        "scenario": "application/json"}


def redesign() -> Redesign:
    return Redesign(services().session_factory, not current_app.config.get("ATENSI_SCENARIOS_IN_PROCESS", False))


def _encoded(files: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in files.items()}


@blp.post("/validate")
@blp.arguments(DraftSchema, location="json")
@blp.response(200, ValidationSchema)
def validate_draft(draft):
    """Run the deploy checks on a draft without deploying anything (supervisor or admin). Each problem
    names its file, element and line; the draft is laid over its base version's files."""
    return redesign().validate(_encoded(draft["files"]), current_actor(), draft["process_key"],
                               draft["base_version"], draft["lane_roles"]).to_dict()


@blp.post("/validate/upload")
@blp.arguments(ValidateUploadSchema, location=FORM_AND_FILES)
@blp.response(200, ValidationSchema)
def validate_upload(form):
    """The same checks on files uploaded as they are (bytes: any XML encoding), e.g. from another tool."""
    files = {upload.filename or "unnamed": upload.read() for upload in form["files"]}
    return redesign().validate(files, current_actor(), form["process_key"], form["base_version"],
                               form["lane_roles"]).to_dict()


@blp.post("/unpack")
@blp.arguments(UnpackSchema, location=FORM_AND_FILES)
@blp.response(200, UnpackedFileSchema(many=True))
def unpack_upload(form):
    """The uploaded files as text, a zip's files expanded (supervisor or admin): what the editor imports
    as one bundle. An unsafe zip is a 400 naming it."""
    files = {upload.filename or "unnamed": upload.read() for upload in form["files"]}
    return redesign().unpack(files, current_actor())


@blp.get(f"/<string:key>/versions/<{ROW_ID}:version>/files")
@blp.response(200, FileInfoSchema(many=True))
def version_files(key, version):
    """The files of one version: BPMN, DMN, forms and scenarios."""
    return redesign().files(key, version, current_actor())


@blp.get(f"/<string:key>/versions/<{ROW_ID}:version>/files/<path:name>")
@blp.response(200, {"type": "string"}, content_type="application/octet-stream")
def version_file(key, version, name):
    """One file of a version, e.g. a task's JSON Schema form."""
    kind, content = redesign().file(key, version, name, current_actor())
    return Response(content, mimetype=MIME.get(kind, "application/octet-stream"))


@blp.get("/<string:key>/diff")
@blp.arguments(DiffArgs, location="query")
@blp.response(200, DiffSchema)
def diff_versions(args, key):
    """Elements added, removed and changed (name, lane, role, due, timer, condition, form, decision)."""
    return redesign().diff(key, args["from_"], args["to"], current_actor()).to_dict()


@blp.post("/<string:key>/diff")
@blp.arguments(DraftSchema, location="json")
@blp.response(200, DiffSchema)
def diff_draft(draft, key):
    """What a draft changes compared with its base version."""
    return redesign().diff_draft(key, _encoded(draft["files"]), draft["base_version"], current_actor()).to_dict()


@blp.post("/<string:key>/scenarios/run")
@blp.arguments(DraftSchema, location="json")
@blp.response(200, ScenarioRunSchema)
def run_scenarios(draft, key):
    """Run the scenario tests of a draft, or of the base version when no files are given (supervisor
    or admin)."""
    return redesign().scenarios(key, current_actor(), _encoded(draft["files"]), draft["base_version"]).to_dict()


@blp.post("/<string:key>/versions")
@blp.arguments(EditorDeploySchema, location="json")
@blp.response(201, EditorDeployResultSchema)
@blp.alt_response(200, schema=EditorDeployResultSchema, description="identical files were deployed before")
@blp.alt_response(422, description="scenarios failed; nothing was deployed (see `scenarios`)")
def deploy_draft(draft, key):
    """Deploy a draft as a new version (supervisor or admin): the checks, then the scenarios, then the
    deploy, in one transaction. Failing scenarios refuse the deploy unless override_scenarios is true."""
    try:
        outcome = redesign().deploy(key, _encoded(draft["files"]), current_actor(), draft["note"],
                                    draft["base_version"], draft["override_scenarios"], draft["lane_roles"])
    except ScenariosFailed as failed:
        return problem(422, str(failed), scenarios=failed.run.to_dict(),
                       problems=[p.to_dict() for p in failed.problems])
    version = outcome.version
    return {"key": version.process_key, "version": version.version, "created": outcome.created,
            "note": version.note, "scenarios_overridden": outcome.overridden,
            "scenarios": outcome.scenarios.to_dict(),
            "warnings": (version.meta or {}).get("warnings", [])}, 201 if outcome.created else 200
