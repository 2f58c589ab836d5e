"""Questions the accounts layer asks and higher layers answer, registered in their AppConfig.ready().

Imports point down (accounts ← catalog ← twins ← marketplace): accounts cannot call the catalogue,
so the catalogue subscribes here to what it must know about organisations.
"""

from collections.abc import Callable

# Called (inside the transaction) after an organisation's name, city or other public fields changed.
organization_changed: list[Callable] = []

# Called (inside the transaction) just before an account is deleted: `callback(user)` erases or
# unlinks what higher layers keep about the person.
user_deleted: list[Callable] = []

# {token id: API calls in the last 30 days} for the given tokens (the metrics app answers; None = no figures).
token_usage: Callable | None = None

# What higher layers hold about a user, for the GDPR data export: key → callable(user) returning JSON
# values (no secrets). Registered in their AppConfig.ready().
user_data_exporters: dict[str, Callable] = {}
