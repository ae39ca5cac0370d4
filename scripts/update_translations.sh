#!/usr/bin/env bash
# Update the English translation catalogue from the Swedish source strings.
#
# Swedish is the source language: msgids are the Swedish texts in the code
# (gettext / gettext_lazy) and the templates ({% translate %}, {% blocktranslate %}).
# This extracts them into src/socialinvest/locale/en/LC_MESSAGES/django.po,
# keeping every existing translation (new strings get an empty msgstr, changed
# ones may be marked fuzzy: translate them and remove the fuzzy flag), then
# compiles django.mo.  Commit both files; users never need gettext.
#
# Needs GNU gettext (apt-get install gettext).  Run from anywhere:
#   scripts/update_translations.sh            (or: make messages)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  if [[ -x "$root/.venv/bin/python" ]]; then python="$root/.venv/bin/python"; else python="python3"; fi
fi
command -v msgfmt >/dev/null || { echo "update_translations: msgfmt not found; install gettext" >&2; exit 1; }

cd "$root/src/socialinvest"
export DJANGO_SETTINGS_MODULE=socialinvest.config.settings.test
"$python" -m django makemessages --locale en --domain django --no-obsolete --add-location file --no-wrap \
  --ignore 'engine/*' --ignore '*/migrations/*' --ignore 'static/*'
# A fixed creation date: the real one changes on every run and makes every
# branch that touched the catalogue conflict on this one header line.
sed -i 's/^"POT-Creation-Date: .*"$/"POT-Creation-Date: 2026-01-01 00:00+0000\\n"/' locale/en/LC_MESSAGES/django.po
"$python" -m django compilemessages --locale en --ignore '.venv'

po="locale/en/LC_MESSAGES/django.po"
stats="$(msgfmt --statistics -o /dev/null "$po" 2>&1)"
echo "$po: $stats"
if grep -q -E 'untranslated|fuzzy' <<<"$stats"; then
  echo "update_translations: translate the new strings (and clear fuzzy flags), then run this again" >&2
  exit 3
fi
