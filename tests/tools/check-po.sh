#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-po.sh SRCDIR LANG: the translation covers every translatable string of the sources now
# (a fresh template from po/POTFILES.in merged into po/LANG.po), with nothing fuzzy.
set -eu
src=$1
lang=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
for tool in xgettext msgmerge msgfmt; do
  command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed (gettext)"; exit 0; }
done
grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --add-comments=TRANSLATORS --files-from="$tmp/files" \
  -o "$tmp/template.pot" 2>"$tmp/xgettext.err" || { cat "$tmp/xgettext.err"; exit 1; }
echo "1..3"
msgmerge -q --no-fuzzy-matching "po/$lang.po" "$tmp/template.pot" -o "$tmp/merged.po"
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>&1)
case "$stats" in
  *untranslated*|*fuzzy*)
    echo "not ok 1 - po/$lang.po covers every current string"
    echo "# $stats"
    echo "# run: meson compile -C _build failover-lab-update-po, then translate"
    msgattrib --untranslated "$tmp/merged.po" 2>/dev/null | grep '^msgid' | head -20 | sed 's/^/# /'
    ;;
  *) echo "ok 1 - po/$lang.po covers every current string ($stats)" ;;
esac
if msgfmt -c -o /dev/null "po/$lang.po" 2>"$tmp/check.err"; then
  echo "ok 2 - po/$lang.po passes msgfmt -c (format strings match)"
else
  echo "not ok 2 - po/$lang.po passes msgfmt -c"; sed 's/^/# /' "$tmp/check.err"
fi
# a source file with translatable strings that po/POTFILES.in does not list is never translated
grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext) ?\(|translatable="yes"' src ui data \
  --include='*.c' --include='*.h' --include='*.ui' --include='*.in' | sort > "$tmp/marked"
sort "$tmp/files" > "$tmp/listed"
missing=$(comm -23 "$tmp/marked" "$tmp/listed")
if [ -z "$missing" ]; then
  echo "ok 3 - po/POTFILES.in lists every file with translatable strings"
else
  echo "not ok 3 - po/POTFILES.in lists every file with translatable strings"
  echo "$missing" | sed 's/^/# missing: /'
fi
