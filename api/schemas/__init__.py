"""Marshmallow schemas: the API's requests and responses, and the source of its OpenAPI document."""
