"""The wording of an edition that is not content: "Deadline:", "Launch:", "Follow us on …".

Each locale's language has its words; ``newsletter.labels`` in ``mkdocs.yml`` changes any
of them. ``{name}`` in a label is filled in (the network of a social link, the site's
address).
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "view_in_browser": "View this email in your browser",
        "newsletter": "Newsletter",
        "read_more": "Read more",
        "read_full_story": "Read the full story",
        "deadline": "Deadline:",
        "launch": "Launch:",
        "visit_portal": "Visit our portal: {site}",
        "follow_us": "Follow us on {network}!",
        "subscribed": "You receive this newsletter because you subscribed to it on {site}.",
        "unsubscribe": "Unsubscribe",
        "unsubscribe_text": "To stop receiving this newsletter, unsubscribe here:",
        "reader": "reader",
    },
    "fr": {
        "view_in_browser": "Voir cet e-mail dans votre navigateur",
        "newsletter": "Lettre d'information",
        "read_more": "Lire la suite",
        "read_full_story": "Lire l'article complet",
        "deadline": "Date limite :",
        "launch": "Ouverture :",
        "visit_portal": "Visitez notre portail : {site}",
        "follow_us": "Suivez-nous sur {network} !",
        "subscribed": "Vous recevez cette lettre car vous vous y êtes abonné sur {site}.",
        "unsubscribe": "Se désabonner",
        "unsubscribe_text": "Pour ne plus recevoir cette lettre, désabonnez-vous ici :",
        "reader": "lecteur",
    },
    "de": {
        "view_in_browser": "Diese E-Mail im Browser ansehen",
        "newsletter": "Newsletter",
        "read_more": "Weiterlesen",
        "read_full_story": "Den ganzen Artikel lesen",
        "deadline": "Frist:",
        "launch": "Start:",
        "visit_portal": "Besuchen Sie unser Portal: {site}",
        "follow_us": "Folgen Sie uns auf {network}!",
        "subscribed": "Sie erhalten diesen Newsletter, weil Sie ihn auf {site} abonniert haben.",
        "unsubscribe": "Abbestellen",
        "unsubscribe_text": "Diesen Newsletter hier abbestellen:",
        "reader": "Leser",
    },
}
"""By language; every language has every key of English."""
FIELDS = {
    name: {field for _, field, _, _ in Formatter().parse(text) if field}
    for name, text in LABELS["en"].items()
}
"""The names each label may fill in."""


def labels_for(locale: str, changed: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels of ``locale`` (``en_GB``: English), with ``changed`` ones in their place."""
    language = locale.split("_")[0].lower()
    return {**LABELS["en"], **LABELS.get(language, {}), **(changed or {})}


def label_problem(name: str, text: object) -> str | None:
    """What is wrong with ``text`` as the label ``name`` (None: nothing)."""
    if name not in FIELDS:
        known = ", ".join(sorted(FIELDS))
        return f"unknown label '{name}'; the labels are {known}"
    if not isinstance(text, str):
        return f"{name}: expected text"
    try:
        used = {field for _, field, _, _ in Formatter().parse(text) if field}
    except ValueError:
        return f"{name}: a lone brace in '{text}'; write {{{{ or }}}} for a brace itself"
    if unknown := used - FIELDS[name]:
        allowed = ", ".join(f"{{{field}}}" for field in sorted(FIELDS[name])) or "none"
        return f"{name}: '{{{sorted(unknown)[0]}}}' cannot be filled in here (it can: {allowed})"
    return None
