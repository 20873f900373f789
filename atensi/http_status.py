"""The one table from engine errors to HTTP statuses: the API's problem details and the pages'
error pages both answer with it. A script or expression of a diagram that refuses the data it was
given is 422, like invalid input: the request was well formed, its content was not accepted."""
from __future__ import annotations

from engine.errors import (
    Conflict,
    DeployError,
    EngineError,
    Forbidden,
    InvalidInput,
    NotFound,
    ScriptError,
    TooLarge,
    Unavailable,
    UnsupportedType,
)

ENGINE_STATUS = ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (TooLarge, 413), (UnsupportedType, 415),
                 (InvalidInput, 422), (ScriptError, 422), (DeployError, 400), (Unavailable, 503),
                 (EngineError, 400))


def status_of(error: EngineError) -> int:
    """The status of the first (most specific) kind the error is, 400 for any other engine error."""
    return next(code for kind, code in ENGINE_STATUS if isinstance(error, kind))
