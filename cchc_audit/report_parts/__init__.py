"""The report's parts, one module per part: each turns an `Audit` into plain values for its Jinja
fragment (templates/fragments), `part_view(audit, lang, audience, history) -> dict`. Values are text
already formatted for the language (fmt.py); the templates escape every one of them. Parts that can
carry personal data differ by audience: the internal report masks it (privacy.py), the public one
leaves out every personal and free-text column."""
