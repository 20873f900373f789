"""Users, roles, units and logging in."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.people.accounts import UNIT_KINDS
from engine.vocabulary import ROLES

from .common import ROW_ID_RANGE, Timestamp

USERNAME = validate.Regexp(r"^[a-z0-9][a-z0-9._-]{2,79}$",
                           error="3 to 80 lower-case letters, digits, dot, dash or underscore")


class UnitSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Str(required=True, validate=validate.OneOf(UNIT_KINDS),
                      metadata={"description": "balai, ipwl or lks"})
    parent_unit_id = fields.Int(load_default=None, allow_none=True, validate=validate.Range(1, 2**31 - 1),
                                metadata={"description": "the Balai over this unit: its koordinator wilayah "
                                                         "reads this unit's dashboard"})


class RoleSchema(Schema):
    key = fields.Str(required=True, validate=validate.OneOf(ROLES))
    name = fields.Str(required=True)


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str(required=True)
    full_name = fields.Str()
    email = fields.Str(allow_none=True)
    roles = fields.List(fields.Str(validate=validate.OneOf(ROLES)))
    unit_id = fields.Int()
    unit = fields.Nested(UnitSchema)
    active = fields.Bool()
    created_at = Timestamp()


class UserCreateSchema(Schema):
    username = fields.Str(required=True, validate=USERNAME)
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    roles = fields.List(fields.Str(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1, max=len(ROLES)))
    unit_id = fields.Int(required=True, validate=ROW_ID_RANGE)
    full_name = fields.Str(load_default="", validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))


class UserUpdateSchema(Schema):
    password = fields.Str(load_only=True, validate=validate.Length(min=8, max=200))
    roles = fields.List(fields.Str(validate=validate.OneOf(ROLES)), validate=validate.Length(min=1, max=len(ROLES)))
    unit_id = fields.Int(validate=ROW_ID_RANGE)
    active = fields.Bool()
    full_name = fields.Str(validate=validate.Length(max=200))


class UsersArgs(Schema):
    unit_id = fields.Int(validate=ROW_ID_RANGE)
    role = fields.Str(validate=validate.OneOf(ROLES))


class LoginSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class TokenSchema(Schema):
    access_token = fields.Str(required=True)
    token_type = fields.Str(required=True, metadata={"example": "Bearer"})
    expires_at = Timestamp(required=True)
    user = fields.Nested(UserSchema, required=True)


class InboxFiltersSchema(Schema):
    stage = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=60))
    sort = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=20))
    overdue = fields.Bool(load_default=None, allow_none=True)


class SavedFilterSchema(Schema):
    """A named inbox filter of the caller (saving a name again replaces its values)."""

    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    filters = fields.Nested(InboxFiltersSchema, required=True)
    created_at = Timestamp(dump_only=True)
