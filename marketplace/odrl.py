"""ODRL 2.2 Agreement JSON-LD of an agreement's snapshot (what both parties agreed, as agreed)."""

from django.conf import settings

ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld"


def agreement_uri(agreement) -> str:
    return settings.SITE_URL + agreement.get_absolute_url()


def agreement_odrl(agreement) -> dict:
    """The agreement as an `odrl:Agreement`: assigner (publisher), assignee (consumer), target (the
    dataset), permission to use with the constraints of the snapshot (purpose, end date, monthly count),
    the licence's duties and the terms text. Built from the immutable snapshot only."""
    snap = agreement.snapshot
    constraints = []
    if snap.get("purpose_category"):
        constraints.append(
            {"leftOperand": "purpose", "operator": "eq", "rightOperand": snap["purpose_category"]}
        )
    if snap.get("valid_until"):
        constraints.append(
            {
                "leftOperand": "dateTime",
                "operator": "lt",
                "rightOperand": {"@value": snap["valid_until"], "@type": "xsd:dateTime"},
            }
        )
    plan = snap.get("plan") or {}
    if plan.get("monthly_quota"):
        constraints.append(
            {
                "leftOperand": "count",
                "operator": "lteq",
                "rightOperand": plan["monthly_quota"],
                "unit": "http://www.wikidata.org/entity/Q5151",  # month
            }
        )
    permission = {
        "target": snap["dataset"]["uri"],
        "assigner": snap["provider"]["uri"],
        "assignee": snap["consumer"].get("uri") or f"mailto:{snap['consumer']['user']}",
        "action": "use",
    }
    if constraints:
        permission["constraint"] = constraints
    licence = snap.get("licence") or {}
    duties = []
    if licence.get("uri"):
        duties.append({"action": "attribute"})
    if duties:
        permission["duty"] = duties
    document = {
        "@context": [
            ODRL_CONTEXT,
            {"dct": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#"},
        ],
        "@type": "Agreement",
        "uid": agreement_uri(agreement),
        "assigner": snap["provider"]["uri"],
        "assignee": permission["assignee"],
        "target": snap["dataset"]["uri"],
        "permission": [permission],
        "dct:issued": {"@value": snap["valid_from"], "@type": "xsd:dateTime"},
        "dct:description": "\n\n".join(
            part for part in (snap["policy"].get("terms"), plan.get("terms"), snap.get("conditions")) if part
        ),
    }
    if licence.get("uri"):
        document["dct:license"] = {"@id": licence["uri"]}
    return document
