#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-help.sh SRCDIR: the user guide's pages are valid Mallard; each translation (help/LINGUAS)
# covers every paragraph of the pages now, with nothing fuzzy, and its merged pages are valid
# Mallard too (a translated tag broken by hand fails here, not in Yelp).
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src/help"
for tool in yelp-check itstool msgmerge msgfmt; do
  command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed (yelp-tools, itstool, gettext)"; exit 0; }
done
langs=$(grep -v '^#' LINGUAS | grep -v '^$' || true)
n=1
for lang in $langs; do n=$((n + 3)); done
echo "1..$n"
pages=$(ls C/*.page)
if yelp-check validate $pages >"$tmp/validate" 2>&1; then
  echo "ok 1 - the C pages are valid Mallard"
else
  echo "not ok 1 - the C pages are valid Mallard"; sed 's/^/# /' "$tmp/validate"
fi
itstool -o "$tmp/help.pot" C/*.page C/legal.xml
i=1
for lang in $langs; do
  i=$((i + 1))
  msgmerge -q --no-fuzzy-matching "$lang/$lang.po" "$tmp/help.pot" -o "$tmp/$lang.po"
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "not ok $i - help/$lang/$lang.po covers every paragraph"
      echo "# $stats"
      echo "# run: meson compile -C _build help-failover-lab-update-po, then translate"
      msgattrib --untranslated "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | head -20 | sed 's/^/# /'
      ;;
    *) echo "ok $i - help/$lang/$lang.po covers every paragraph ($stats)" ;;
  esac
  i=$((i + 1))
  if msgfmt -c -o "$tmp/$lang.mo" "$lang/$lang.po" 2>"$tmp/msgfmt.err"; then
    echo "ok $i - help/$lang/$lang.po passes msgfmt -c"
  else
    echo "not ok $i - help/$lang/$lang.po passes msgfmt -c"; sed 's/^/# /' "$tmp/msgfmt.err"
  fi
  i=$((i + 1))
  mkdir -p "$tmp/$lang"
  # itstool keeps the English paragraph, and only warns, when a translation's markup is broken
  if [ -f "$tmp/$lang.mo" ] && itstool -m "$tmp/$lang.mo" -l "$lang" -o "$tmp/$lang/" $pages >"$tmp/merge.err" 2>&1 \
     && ! grep -q . "$tmp/merge.err" \
     && cp C/legal.xml "$tmp/$lang/" && yelp-check validate "$tmp/$lang"/*.page >"$tmp/validate" 2>&1; then
    echo "ok $i - the $lang pages, merged with itstool, are valid Mallard"
  else
    echo "not ok $i - the $lang pages, merged with itstool, are valid Mallard"
    sed 's/^/# /' "$tmp/merge.err" "$tmp/validate" 2>/dev/null || true
  fi
done
