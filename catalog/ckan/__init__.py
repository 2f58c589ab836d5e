"""CKAN-compatible Action API (CKAN 2.10 behaviour) at /api/3/action/<name> and /api/action/<name>.

`package` maps datasets to CKAN package dicts and back, `query` translates Solr-style `q` / `fq` /
`sort` onto DatasetFilterSet, `actions` holds one function per action, `views` the envelope, the
authentication and the error translation. The errors below are what actions raise; the view turns
each into CKAN's `{"success": false, "error": {"__type": …}}` with CKAN's HTTP status.
"""


class ActionError(Exception):
    """An error an action reports to the client, with CKAN's `__type` and HTTP status."""

    status = 500
    type = ""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def error_dict(self) -> dict:
        return {"__type": self.type, "message": self.message}


class NotFound(ActionError):
    """The object does not exist, or the caller may not see it (design.md §5: never confirm existence)."""

    status = 404
    type = "Not Found Error"

    def error_dict(self) -> dict:
        return {"__type": self.type, "message": "Not found" + (f": {self.message}" if self.message else "")}


class NotAuthorized(ActionError):
    """An invalid token, a missing write scope, or a visible object the caller may not change."""

    status = 403
    type = "Authorization Error"

    def error_dict(self) -> dict:
        return {
            "__type": self.type,
            "message": "Access denied" + (f": {self.message}" if self.message else ""),
        }


class ValidationError(ActionError):
    """Invalid input: messages by CKAN field name (`{"name": ["That URL is already in use."]}`)."""

    status = 409
    type = "Validation Error"

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors

    def error_dict(self) -> dict:
        return {**self.errors, "__type": self.type}


class SearchQueryError(ActionError):
    """A `q`, `fq` or `sort` (or search parameter) this API does not understand."""

    status = 400
    type = "Search Query Error"

    def error_dict(self) -> dict:
        return {"__type": self.type, "message": f"Search Query is invalid: {self.message}"}


def missing(*fields: str) -> ValidationError:
    """CKAN's answer to a required parameter that was not given."""
    return ValidationError({field: ["Missing value"] for field in fields})
