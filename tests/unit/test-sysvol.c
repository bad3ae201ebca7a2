/* test-sysvol.c: the SYSVOL helper's output and GPT.INI taken apart; the `sysvol` check's
 * handling of its helper process (password on a pipe, never in argv; killed at the deadline;
 * garbage, a crash, a refusal) with stand-in helpers. The real helper against real DCs is in
 * tests/lab/test-probe.py.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fl-checks.h"
#include "fl-gpo-view.h"
#include "fl-hint.h"
#include "fl-sysvol.h"

#define DDP FL_DEFAULT_DOMAIN_POLICY
#define OTHER "{6AC1786C-016F-11D2-945F-00C04FB984F9}"

static char *
b64 (const char *text)
{
  return g_base64_encode ((const guchar *)text, strlen (text));
}

static FlSysvolReply *
parse (const char  *text,
       GError     **error)
{
  return fl_sysvol_parse_reply (text, strlen (text), error);
}

static void
test_reply (void)
{
  g_autofree char *ini = b64 ("[General]\r\nVersion=65538\r\ndisplayName=New Group Policy Object\r\n");
  g_autofree char *ini2 = b64 ("[General]\nVersion=3\n");
  g_autofree char *words = b64 ("Kinit for user01@TEST.LOCAL failed:\tPreauthentication failed\n");
  g_autofree char *text = g_strdup_printf ("entries 3\ngpt %s 0 %s\ngpt %s 0 %s\n", DDP, ini, OTHER, ini2);
  g_autofree char *failed = g_strdup_printf ("error share 13 %s\n", words);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSysvolReply) r = parse (text, &error);
  g_autoptr(FlSysvolReply) f = NULL;
  g_autoptr(FlSysvolReply) e = NULL;
  const FlSysvolGpo *gpo;

  g_assert_no_error (error);
  g_assert_cmpint (r->failed_step, ==, FL_SYSVOL_STEP_NONE);
  g_assert_cmpuint (r->n_entries, ==, 3);
  g_assert_cmpuint (r->gpos->len, ==, 2);
  gpo = fl_sysvol_reply_lookup (r, DDP);
  g_assert_nonnull (gpo);
  g_assert_true (gpo->has_version);
  g_assert_cmpuint (gpo->version, ==, 65538);
  gpo = fl_sysvol_reply_lookup (r, "{6ac1786c-016f-11d2-945f-00c04fb984f9}");
  g_assert_nonnull (gpo);
  g_assert_cmpuint (gpo->version, ==, 3);

  /* a refusal, with libsmbclient's words: one line, no control characters */
  f = parse (failed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->failed_step, ==, FL_SYSVOL_STEP_SHARE);
  g_assert_cmpint (f->error_number, ==, EACCES);
  g_assert_cmpstr (f->log, ==, "Kinit for user01@TEST.LOCAL failed: Preauthentication failed");

  /* a GPO that could not be read, an empty GPT.INI, then the failure */
  e = parse ("entries 1\ngpt " DDP " 2\ngpt " OTHER " 0\nerror gpt 2\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->failed_step, ==, FL_SYSVOL_STEP_GPT);
  g_assert_cmpint (fl_sysvol_reply_lookup (e, DDP)->error_number, ==, ENOENT);
  g_assert_false (fl_sysvol_reply_lookup (e, OTHER)->has_version);
}

static void
test_reply_malformed (void)
{
  static const char * const bad[] = {
    "",
    "entries 1",                              /* no end of line */
    "entries x\n",
    "entries 1 2\n",
    "hello\n",
    "\n",
    "\nentries 0\n",                           /* an empty line first (found by fuzz-sysvol) */
    "entries 0\n\n",
    "gpt {nope} 0\n",
    "gpt " DDP " 13 W0dlbmVyYWxd\n",          /* an errno and bytes */
    "gpt " DDP " 0 not*base64\n",
    "gpt " DDP " 0 W0dlbmVyYWxd\ngpt " DDP " 0 W0dlbmVyYWxd\n",   /* twice */
    "error share 0\n",
    "error share 5000\n",
    "error nowhere 13\n",
    "error share 13\nerror policies 13\n",
    "entries 1\n\xc3\xa9\n",
  };
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GString) big = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlSysvolReply) r = parse (bad[i], &error);

      if (r != NULL)
        g_error ("parsed, should not have: \"%s\"", g_strescape (bad[i], NULL));
      g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
    }

  /* a NUL inside */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (fl_sysvol_parse_reply ("entries 1\n\0x\n", 12, &error));
    g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  }
  /* more GPOs than the limit */
  for (guint i = 0; i <= FL_SYSVOL_MAX_GPOS; i++)
    g_string_append_printf (many, "gpt {%08X-0000-0000-0000-000000000000} 2\n", i);
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (parse (many->str, &error));
    g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  }
  /* more than the size limit */
  while (big->len <= FL_SYSVOL_REPLY_MAX)
    g_string_append (big, "entries 1\n");
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (fl_sysvol_parse_reply (big->str, big->len, &error));
    g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  }
}

static void
test_gpt_ini (void)
{
  static const struct
  {
    const char *text;
    gsize       length;   /* 0: strlen */
    gboolean    ok;
    guint32     version;
  } cases[] = {
    { "[General]\r\nVersion=0\r\n", 0, TRUE, 0 },
    { "[General]\nVersion=65537\ndisplayName=New Group Policy Object\n", 0, TRUE, 65537 },
    { "[general]\n  version = 4294967295  \n", 0, TRUE, G_MAXUINT32 },
    { "\xef\xbb\xbf[General]\nVersion=7\n", 0, TRUE, 7 },
    { "\xff\xfe[\0G\0e\0n\0e\0r\0a\0l\0]\0\r\0\n\0V\0e\0r\0s\0i\0o\0n\0=\0\x39\0", 42, TRUE, 9 },
    { "[Other]\nVersion=5\n[General]\nVersion=6\n", 0, TRUE, 6 },
    { "[Other]\nVersion=5\n", 0, FALSE, 0 },
    { "Version=5\n", 0, FALSE, 0 },                 /* outside any section */
    { "[General]\nVersion=4294967296\n", 0, FALSE, 0 },
    { "[General]\nVersion=-1\n", 0, FALSE, 0 },
    { "[General]\nVersion=\n", 0, FALSE, 0 },
    { "[General]\nVersion=1x\n", 0, FALSE, 0 },
    { "", 0, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize n = cases[i].length ? cases[i].length : strlen (cases[i].text);
      guint32 version = 0xdead;
      gboolean ok = fl_gpt_ini_parse (cases[i].text, n, &version, &error);

      if (ok != cases[i].ok || (ok && version != cases[i].version))
        g_error ("GPT.INI case %u: %s, version %u (wanted %s, %u)", i, ok ? "parsed" : error->message,
                 version, cases[i].ok ? "parsed" : "an error", cases[i].version);
      if (!ok)
        g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
    }
}

static void
test_guid (void)
{
  g_assert_true (fl_gpo_guid_is_valid (DDP));
  g_assert_true (fl_gpo_guid_is_valid ("{6ac1786c-016f-11d2-945f-00c04fb984f9}"));
  g_assert_false (fl_gpo_guid_is_valid ("31B2F340-016D-11D2-945F-00C04FB984F9"));
  g_assert_false (fl_gpo_guid_is_valid ("{31B2F340-016D-11D2-945F-00C04FB984F9}x"));
  g_assert_false (fl_gpo_guid_is_valid ("{31B2F340-016D-11D2-945F-00C04FB984F}"));
  g_assert_false (fl_gpo_guid_is_valid ("{31B2F340_016D-11D2-945F-00C04FB984F9}"));
  g_assert_false (fl_gpo_guid_is_valid (""));
  g_assert_false (fl_gpo_guid_is_valid (NULL));
}

/* ------------------------------------------------------------------------------------------ */
/* the gpo view: AD's versions against each DC's SYSVOL */

static FlSample *
list_sample (FlCheckKind  kind,
             const char  *dc,
             FlStatus     status,
             const char  *key,
             const char **list,
             const char  *key2,
             const char **list2)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  if (list != NULL)
    g_variant_dict_insert (&d, key, "^as", list);
  if (list2 != NULL)
    g_variant_dict_insert (&d, key2, "^as", list2);
  return fl_sample_new (kind, dc, status, 0, 1000, NULL, g_variant_dict_end (&d));
}

static void
test_gpo_view (void)
{
  const char *ad[] = { DDP "=65538", OTHER "=3", NULL };
  const char *names[] = { DDP "=Default Domain Policy", OTHER "=Default Domain Controllers Policy", NULL };
  const char *same[] = { OTHER "=3", DDP "=65538", NULL };
  const char *behind[] = { DDP "=65537", OTHER "=3", "junk", "{6AC1786C-016F-11D2-945F-00C04FB984F9}=x", NULL };
  const char *missing[] = { DDP "=65538", NULL };
  const char * const dcs[] = { "DC1", "DC2" };
  g_autoptr(FlSample) gpo = list_sample (FL_CHECK_GPO, NULL, FL_STATUS_OK, "ad_versions", ad, "names", names);
  g_autoptr(FlSample) gpo_failed = list_sample (FL_CHECK_GPO, NULL, FL_STATUS_TIMEOUT, NULL, NULL, NULL, NULL);
  g_autoptr(FlSample) s1 = list_sample (FL_CHECK_SYSVOL, "DC1", FL_STATUS_OK, "gpt_versions", same, NULL, NULL);
  g_autoptr(FlSample) s2 = list_sample (FL_CHECK_SYSVOL, "DC2", FL_STATUS_OK, "gpt_versions", same, NULL, NULL);
  g_autoptr(FlSample) s2_behind = list_sample (FL_CHECK_SYSVOL, "DC2", FL_STATUS_OK, "gpt_versions", behind, NULL, NULL);
  g_autoptr(FlSample) s2_missing = list_sample (FL_CHECK_SYSVOL, "DC2", FL_STATUS_OK, "gpt_versions", missing, NULL, NULL);
  g_autoptr(FlSample) s2_failed = list_sample (FL_CHECK_SYSVOL, "DC2", FL_STATUS_FAIL, NULL, NULL, NULL, NULL);
  static const struct
  {
    guint       which;   /* DC2's sample: 0 same, 1 behind, 2 missing, 3 failed, 4 none */
    gboolean    gpo_ok;
    FlStatus    want;
    const char *text;
  } cases[] = {
    { 0, TRUE, FL_STATUS_OK, "SYSVOL matches AD for 2 GPOs on DC1, DC2" },
    { 1, TRUE, FL_STATUS_DEGRADED,
      "policy not replicated yet: Default Domain Policy on DC2: SYSVOL version 65537, AD version 65538" },
    { 2, TRUE, FL_STATUS_DEGRADED,
      "policy not replicated yet: Default Domain Controllers Policy is missing on DC2's SYSVOL" },
    { 3, TRUE, FL_STATUS_OK, "SYSVOL matches AD for 2 GPOs on DC1 (not read on DC2)" },
    { 4, TRUE, FL_STATUS_OK, "SYSVOL matches AD for 2 GPOs on DC1 (not read on DC2)" },
    { 0, FALSE, FL_STATUS_SKIPPED, "the Group Policy objects in AD are not read yet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FlSample *dc2[] = { s2, s2_behind, s2_missing, s2_failed, NULL };
      FlSample *sysvol[] = { s1, dc2[cases[i].which] };
      g_autofree char *text = NULL;
      FlStatus got = fl_gpo_view (cases[i].gpo_ok ? gpo : gpo_failed, sysvol, dcs, 2, &text);

      if (got != cases[i].want || g_strcmp0 (text, cases[i].text) != 0)
        g_error ("gpo view case %u: %s \"%s\"; wanted %s \"%s\"", i, fl_status_to_string (got), text,
                 fl_status_to_string (cases[i].want), cases[i].text);
    }
  /* no SYSVOL read anywhere: nothing to compare */
  {
    FlSample *none[] = { NULL, s2_failed };
    g_autofree char *text = NULL;

    g_assert_cmpint (fl_gpo_view (gpo, none, dcs, 2, &text), ==, FL_STATUS_SKIPPED);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* the check, with stand-in helpers (shell scripts): what it does with its process */

typedef struct
{
  char          *dir;
  FlProbeConfig *config;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  (void)data;
  f->dir = g_dir_make_tmp ("fl-sysvol-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->config = fl_probe_config_new ("test.invalid", NULL);
  fl_probe_config_add_dc (f->config, "DC1", "dc1.test.invalid", "127.0.0.1", NULL);
  fl_probe_config_set_user (f->config, "user01@TEST.INVALID", "s3cret-Pw");
  fl_probe_config_set_timing (f->config, 250, 800);
  g_assert_true (fl_probe_config_prepare (f->config, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  (void)data;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_clear_pointer (&f->config, fl_probe_config_unref);
  g_unsetenv ("FL_SYSVOL_HELPER");
}

/* writes a helper that runs @body (sh) and points the check at it */
static void
use_helper (Fixture    *f,
            const char *body)
{
  g_autofree char *path = g_build_filename (f->dir, "helper", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\necho $$ >> '%s/pid'\n"
                                             "printf '%%s\\n' \"$*\" > '%s/argv'\n%s\n",
                                             f->dir, f->dir, body);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  g_setenv ("FL_SYSVOL_HELPER", path, TRUE);
}

static FlSample *
run_check (Fixture *f,
           gint64   budget_us)
{
  return fl_check_run (FL_CHECK_SYSVOL, f->config, fl_probe_config_get_dc (f->config, 0),
                       g_get_monotonic_time () + budget_us, NULL);
}

static void
assert_sample (FlSample   *s,
               FlStatus    status,
               const char *error,
               const char *message_part)
{
  if (fl_sample_get_status (s) != status ||
      g_strcmp0 (fl_sample_lookup_string (s, "error"), error) != 0 ||
      (message_part != NULL && strstr (fl_sample_get_message (s) ? fl_sample_get_message (s) : "", message_part) == NULL))
    g_error ("DC1 sysvol: %s, error %s, %.1f ms: \"%s\"; wanted %s, error %s, \"…%s…\"",
             fl_status_to_string (fl_sample_get_status (s)), fl_sample_lookup_string (s, "error"),
             fl_sample_get_latency_us (s) / 1000.0, fl_sample_get_message (s),
             fl_status_to_string (status), error, message_part);
}

static void
test_check_ok (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *ini = b64 ("[General]\r\nVersion=131075\r\n");
  g_autofree char *body = g_strdup_printf (
    "read pw; [ \"$pw\" = 's3cret-Pw' ] || { echo \"password: '$pw'\" >&2; exit 3; }\n"
    "[ -n \"$KRB5_CONFIG\" ] && [ -f \"$KRB5_CONFIG\" ] || { echo 'no KRB5_CONFIG' >&2; exit 4; }\n"
    "[ -z \"$FAILOVER_LAB_PASSWORD\" ] || { echo 'the password in its environment' >&2; exit 5; }\n"
    "read req; case \"$req\" in \"read \"[0-9]*) ;; *) exit 6;; esac\n"
    "printf 'entries 2\\ngpt %s 0 %s\\ngpt %s 2\\n'", DDP, ini, OTHER);
  g_autoptr(FlSample) s = NULL;
  g_autofree char *argv = NULL;
  g_autofree char *argv_path = g_build_filename (f->dir, "argv", NULL);
  guint32 version = 0;
  g_autoptr(GVariant) versions = NULL;

  (void)data;
  use_helper (f, body);
  g_setenv ("FAILOVER_LAB_PASSWORD", "s3cret-Pw", TRUE);
  s = run_check (f, 10 * G_USEC_PER_SEC);
  g_unsetenv ("FAILOVER_LAB_PASSWORD");
  assert_sample (s, FL_STATUS_OK, NULL, "version 131075 (user 2, computer 3); 2 policy folders");
  g_assert_true (g_variant_lookup (fl_sample_get_detail (s), "version", "u", &version));
  g_assert_cmpuint (version, ==, 131075);
  versions = g_variant_lookup_value (fl_sample_get_detail (s), "gpt_versions", G_VARIANT_TYPE_STRING_ARRAY);
  g_assert_nonnull (versions);
  g_assert_cmpuint (g_variant_n_children (versions), ==, 1);
  {
    g_autofree const char **v = g_variant_get_strv (versions, NULL);

    g_assert_cmpstr (v[0], ==, DDP "=131075");
  }
  /* the password went on the pipe, never on the command line */
  g_assert_true (g_file_get_contents (argv_path, &argv, NULL, NULL));
  g_assert_null (strstr (argv, "s3cret"));
  g_assert_nonnull (strstr (argv, "--host dc1.test.invalid --address 127.0.0.1 --domain test.invalid"));
}

static void
test_check_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *words = b64 ("tree connect failed: NT_STATUS_ACCESS_DENIED");
  g_autofree char *body = g_strdup_printf ("read pw; read req\nprintf 'error policies 13 %s\\n'", words);
  g_autoptr(FlSample) s = NULL;

  (void)data;
  use_helper (f, body);
  s = run_check (f, 10 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_FAIL, "protocol",
                 "access denied to SYSVOL\\test.invalid\\Policies (tree connect failed: NT_STATUS_ACCESS_DENIED)");
  g_assert_cmpstr (fl_sample_lookup_string (s, "step"), ==, "policies");
  g_assert_cmpint (fl_hint_classify (s, NULL), ==, FL_HINT_SYSVOL);

  use_helper (f, "read pw; read req\necho 'error share 111'");
  g_clear_pointer (&s, fl_sample_unref);
  s = run_check (f, 10 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_FAIL, "refused", "SMB refused the connection");
  g_assert_cmpint (fl_hint_classify (s, NULL), ==, FL_HINT_SERVICE_STOPPED);
}

/* a helper that does not finish is killed at the check's deadline: the sample says timeout,
 * and no process is left behind */
static void
test_check_deadline (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FlSample) s = NULL;
  g_autofree char *pid_path = g_build_filename (f->dir, "pid", NULL);
  g_autofree char *pid_text = NULL;
  guint64 pid;

  (void)data;
  use_helper (f, "exec sleep 600");
  s = run_check (f, 300 * 1000);
  assert_sample (s, FL_STATUS_TIMEOUT, "timeout", "SYSVOL was not read within the deadline");
  g_assert_true (g_file_get_contents (pid_path, &pid_text, NULL, NULL));
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (pid_text), 10, 1, G_MAXINT, &pid, NULL));
  /* killed and reaped: the PID names no process (not even a zombie) */
  if (kill ((pid_t)pid, 0) == 0 || errno != ESRCH)
    g_error ("the helper (PID %" G_GUINT64_FORMAT ") is still there after its check ended", pid);
}

/* the PIDs of the helpers started so far, in order */
static GArray *
helper_pids (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "pid", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return pids;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (lines[i], 10, 1, G_MAXINT, &pid, NULL))
        g_array_append_val (pids, (pid_t){ (pid_t)pid });
    }
  return pids;
}

static gboolean
process_gone (pid_t pid)
{
  return kill (pid, 0) != 0 && errno == ESRCH;
}

/* one helper serves the checks while they are ok (one process start, one Kerberos session);
 * a check that is not ok ends it, and so does the config's end */
static void
test_check_kept (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *ini = b64 ("[General]\r\nVersion=7\r\n");
  g_autofree char *fail = g_build_filename (f->dir, "fail", NULL);
  g_autofree char *requests = g_build_filename (f->dir, "requests", NULL);
  g_autofree char *body = g_strdup_printf (
    "read pw\n"
    "n=0\n"
    "while read req; do\n"
    "  case \"$req\" in \"read \"[0-9]*) ;; *) exit 6;; esac\n"
    "  n=$((n + 1)); echo $n > '%s'\n"
    "  if [ -e '%s' ]; then echo 'error policies 13'; else printf 'entries 1\\ngpt %s 0 %s\\n'; fi\n"
    "  echo done\n"
    "done\n", requests, fail, DDP, ini);
  g_autoptr(GArray) pids = NULL;
  g_autofree char *count = NULL;

  (void)data;
  use_helper (f, body);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(FlSample) s = run_check (f, 10 * G_USEC_PER_SEC);

      assert_sample (s, FL_STATUS_OK, NULL, "Default Domain Policy version 7 (user 0, computer 7); 1 policy folder");
    }
  pids = helper_pids (f);
  g_assert_true (g_file_get_contents (requests, &count, NULL, NULL));
  if (pids->len != 1 || !g_str_equal (count, "3\n"))
    g_error ("3 ok checks: %u helpers started (wanted 1), the last one had %s requests (wanted 3)",
             pids->len, g_strstrip (count));
  g_assert_true (process_gone (g_array_index (pids, pid_t, 0)) == FALSE);

  /* a failed read ends it: the next check starts a new one */
  g_assert_true (g_file_set_contents (fail, "", 0, NULL));
  {
    g_autoptr(FlSample) s = run_check (f, 10 * G_USEC_PER_SEC);

    assert_sample (s, FL_STATUS_FAIL, "protocol", "access denied to SYSVOL");
  }
  if (!process_gone (g_array_index (pids, pid_t, 0)))
    g_error ("the helper (PID %d) still runs after a failed check", (int)g_array_index (pids, pid_t, 0));
  g_unlink (fail);
  {
    g_autoptr(FlSample) s = run_check (f, 10 * G_USEC_PER_SEC);

    assert_sample (s, FL_STATUS_OK, NULL, "version 7");
  }
  g_clear_pointer (&pids, g_array_unref);
  pids = helper_pids (f);
  g_assert_cmpuint (pids->len, ==, 2);

  /* another helper program (or DC, user, password) is another helper */
  {
    g_autofree char *other = g_build_filename (f->dir, "helper2", NULL);
    g_autofree char *path = g_build_filename (f->dir, "helper", NULL);
    g_autoptr(FlSample) s = NULL;

    g_assert_cmpint (link (path, other), ==, 0);
    g_setenv ("FL_SYSVOL_HELPER", other, TRUE);
    s = run_check (f, 10 * G_USEC_PER_SEC);
    assert_sample (s, FL_STATUS_OK, NULL, "version 7");
    g_clear_pointer (&pids, g_array_unref);
    pids = helper_pids (f);
    g_assert_cmpuint (pids->len, ==, 3);
    if (!process_gone (g_array_index (pids, pid_t, 1)))
      g_error ("the first helper program's process (PID %d) still runs", (int)g_array_index (pids, pid_t, 1));
  }

  /* the config's end ends the one it kept */
  g_assert_true (process_gone (g_array_index (pids, pid_t, 2)) == FALSE);
  g_clear_pointer (&f->config, fl_probe_config_unref);
  if (!process_gone (g_array_index (pids, pid_t, 2)))
    g_error ("the helper (PID %d) still runs after its config ended", (int)g_array_index (pids, pid_t, 2));
}

static void
test_check_broken (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(FlSample) s = NULL;

  (void)data;
  use_helper (f, "read pw; read req\necho 'not what the helper prints'");
  s = run_check (f, 10 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_FAIL, "malformed", "malformed");

  /* more than a reply may be, from a helper that stays: malformed at once, not a timeout */
  use_helper (f, "read pw\nwhile read req; do head -c 300000 /dev/zero | tr '\\0' x; printf '\\ndone\\n'; done");
  g_clear_pointer (&s, fl_sample_unref);
  s = run_check (f, 30 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_FAIL, "malformed", "said more than");

  use_helper (f, "read pw; read req\necho 'libsmbclient: out of memory' >&2\nexit 1");
  g_clear_pointer (&s, fl_sample_unref);
  s = run_check (f, 10 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_FAIL, "failed", "exit status 1): libsmbclient: out of memory");

  use_helper (f, "read pw; read req\nkill -SEGV $$");
  g_clear_pointer (&s, fl_sample_unref);
  s = run_check (f, 10 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_FAIL, "failed", "signal 11");

  g_setenv ("FL_SYSVOL_HELPER", "/nonexistent/failover-lab-sysvol", TRUE);
  g_clear_pointer (&s, fl_sample_unref);
  s = run_check (f, 10 * G_USEC_PER_SEC);
  assert_sample (s, FL_STATUS_SKIPPED, "config", "not installed (/nonexistent/failover-lab-sysvol)");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sysvol/reply", test_reply);
  g_test_add_func ("/sysvol/reply-malformed", test_reply_malformed);
  g_test_add_func ("/sysvol/gpt-ini", test_gpt_ini);
  g_test_add_func ("/sysvol/guid", test_guid);
  g_test_add_func ("/sysvol/gpo-view", test_gpo_view);
  g_test_add ("/sysvol/check/ok", Fixture, NULL, fixture_set_up, test_check_ok, fixture_tear_down);
  g_test_add ("/sysvol/check/refused", Fixture, NULL, fixture_set_up, test_check_refused, fixture_tear_down);
  g_test_add ("/sysvol/check/deadline", Fixture, NULL, fixture_set_up, test_check_deadline, fixture_tear_down);
  g_test_add ("/sysvol/check/kept", Fixture, NULL, fixture_set_up, test_check_kept, fixture_tear_down);
  g_test_add ("/sysvol/check/broken", Fixture, NULL, fixture_set_up, test_check_broken, fixture_tear_down);
  return g_test_run ();
}
