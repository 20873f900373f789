"""The caller (/me), users, roles and units. Admins manage them; everyone reads their own unit."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services
from engine.vocabulary import ROLE_LABELS, ROLES

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.people import (
    RoleSchema,
    SavedFilterSchema,
    UnitSchema,
    UserCreateSchema,
    UsersArgs,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("people", __name__, url_prefix="/api/v1", description="The caller, users, roles and units")
blp.before_request(require_login)


@blp.get("/me")
@blp.response(200, UserSchema)
def me():
    """The caller: user, roles and unit."""
    return services().directory.me(current_actor())


@blp.get("/users")
@blp.arguments(UsersArgs, location="query")
@blp.response(200, UserSchema(many=True))
def list_users(args):
    """Users of the caller's unit; an admin sees every unit's."""
    return services().directory.users(current_actor(), args.get("unit_id"), args.get("role"))


@blp.post("/users")
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(body):
    """Create a user (admin)."""
    return services().directory.create_user(current_actor(), **body)


@blp.get("/users/<string:username>")
@blp.response(200, UserSchema)
def get_user(username):
    return services().directory.user(current_actor(), username)


@blp.patch("/users/<string:username>")
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(changes, username):
    """Change roles, unit, password, name or the active flag (admin)."""
    return services().directory.update_user(current_actor(), username, **changes)


@blp.get("/roles")
@blp.response(200, RoleSchema(many=True))
def list_roles():
    return [{"key": role, "name": ROLE_LABELS[role]} for role in ROLES]


@blp.get("/units")
@blp.response(200, UnitSchema(many=True))
def list_units():
    """The caller's unit; an admin sees every unit."""
    return services().directory.units(current_actor())


@blp.post("/units")
@blp.arguments(UnitSchema)
@blp.response(201, UnitSchema)
def create_unit(body):
    """Create a Balai, IPWL or LKS (admin)."""
    return services().directory.create_unit(current_actor(), body["code"], body["name"], body["kind"],
                                            body["parent_unit_id"])


@blp.get("/me/filters")
@blp.response(200, SavedFilterSchema(many=True))
def saved_filters():
    """The caller's saved inbox filters, by name."""
    return services().saved_filters.of(current_actor())


@blp.post("/me/filters")
@blp.arguments(SavedFilterSchema)
@blp.response(201, SavedFilterSchema)
def save_filter(body):
    """Save the inbox filters under a name (the same name again replaces them)."""
    return services().saved_filters.save(current_actor(), body["name"], body["filters"])


@blp.delete(f"/me/filters/<{ROW_ID}:filter_id>")
@blp.response(204)
def delete_filter(filter_id):
    services().saved_filters.delete(current_actor(), filter_id)
