/* fl-probe-config.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-probe-config"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <ldap.h>
#include <string.h>
#include <unistd.h>

#include "fl-checks.h"
#include "fl-probe-config.h"
#include "fl-probe-types.h"

/* Built on the main thread, then frozen by fl_probe_config_prepare() and only read (by any
 * number of worker threads). The password is wiped when the last reference goes. */
struct _FlProbeConfig
{
  char      *domain;
  char      *realm;
  GPtrArray *dcs;
  char      *reference;
  char      *user;
  char      *password;
  char      *machine;
  char      *keytab;
  char      *tmpdir;
  char      *client_krb5_conf;
  guint      interval_ms;
  guint      deadline_ms;
  gboolean   prepared;
};

static void
dc_free (gpointer data)
{
  FlProbeDc *dc = data;

  g_free (dc->name);
  g_free (dc->host);
  g_free (dc->address);
  g_free (dc->site);
  if (dc->krb5_conf != NULL)
    g_unlink (dc->krb5_conf);
  g_free (dc->krb5_conf);
  g_free (dc);
}

/**
 * fl_probe_init:
 *
 * Call once on the main thread before any probe runs. libldap resolves the machine's own host
 * name when it first initialises; done here, at start, that lookup cannot stall an LDAP check
 * later when the first name server (DC1) is silent. MIT krb5 must not
 * consult SSSD's locator plugin: each probe names its KDC itself.
 */
static char *gssapi_profile;

void
fl_probe_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      g_autofree char *path = NULL;
      int fd;

      g_setenv ("SSSD_KRB5_LOCATOR_DISABLE", "true", TRUE);
      ldap_set_option (NULL, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);

      /* The GSSAPI mechanism (the FSMO check's SASL bind) makes its own krb5 contexts from the
       * environment. Give it a profile that never canonicalises host names through DNS (with
       * the first name server silent, that would stall every bind); it needs nothing else,
       * since the service ticket is already in the thread's ccache. Set once, here, before
       * any thread runs: setenv() is not thread-safe. */
      fd = g_file_open_tmp ("failover-lab-gssapi-XXXXXX.conf", &path, NULL);
      if (fd >= 0)
        {
          static const char profile[] =
            "# written by Failover Lab for its GSSAPI binds\n"
            "[libdefaults]\n"
            "\tdns_canonicalize_hostname = false\n"
            "\trdns = false\n"
            "\tdns_lookup_kdc = false\n"
            "\tdns_lookup_realm = false\n";

          if (write (fd, profile, sizeof profile - 1) == (gssize)(sizeof profile - 1))
            g_setenv ("KRB5_CONFIG", path, TRUE);
          close (fd);
          gssapi_profile = g_steal_pointer (&path);
        }
      g_once_init_leave (&once, 1);
    }
}

/**
 * fl_probe_shutdown:
 *
 * Call once before the process exits, on the main thread, after the schedulers are gone: waits
 * (at most 15 s: longer than any check's deadline) until no check runs on any thread, then
 * removes what fl_probe_init() made.
 *
 * Returns: %TRUE when the process may exit normally; %FALSE when a check still runs inside a
 *   library that cannot be interrupted: then end with _exit(), which skips the libraries'
 *   destructors that thread would trip on
 */
gboolean
fl_probe_shutdown (void)
{
  gboolean idle = fl_check_wait_idle (15 * G_USEC_PER_SEC);

  if (gssapi_profile != NULL)
    {
      g_unlink (gssapi_profile);
      g_clear_pointer (&gssapi_profile, g_free);
    }
  return idle;
}

FlProbeConfig *
fl_probe_config_new (const char *domain,
                     const char *realm)
{
  FlProbeConfig *self = g_atomic_rc_box_new0 (FlProbeConfig);

  self->domain = g_strdup (domain);
  self->realm = realm ? g_strdup (realm) : g_ascii_strup (domain, -1);
  self->dcs = g_ptr_array_new_with_free_func (dc_free);
  self->interval_ms = 1000;
  self->deadline_ms = 800;
  return self;
}

static void
config_clear (gpointer data)
{
  FlProbeConfig *self = data;

  g_free (self->domain);
  g_free (self->realm);
  g_ptr_array_unref (self->dcs);
  g_free (self->reference);
  g_free (self->user);
  if (self->password != NULL)
    {
      explicit_bzero (self->password, strlen (self->password));
      g_free (self->password);
    }
  g_free (self->machine);
  g_free (self->keytab);
  if (self->client_krb5_conf != NULL)
    g_unlink (self->client_krb5_conf);
  g_free (self->client_krb5_conf);
  if (self->tmpdir != NULL)
    g_rmdir (self->tmpdir);
  g_free (self->tmpdir);
}

FlProbeConfig *
fl_probe_config_ref (FlProbeConfig *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
fl_probe_config_unref (FlProbeConfig *self)
{
  g_atomic_rc_box_release_full (self, config_clear);
}

void
fl_probe_config_add_dc (FlProbeConfig *self,
                        const char    *name,
                        const char    *host,
                        const char    *address,
                        const char    *site)
{
  FlProbeDc *dc;

  g_return_if_fail (!self->prepared);

  dc = g_new0 (FlProbeDc, 1);
  dc->name = g_strdup (name);
  dc->host = g_strdup (host ? host : address);
  dc->address = g_strdup (address);
  dc->site = g_strdup (site);
  g_ptr_array_add (self->dcs, dc);
}

void
fl_probe_config_set_reference (FlProbeConfig *self,
                               const char    *address)
{
  g_return_if_fail (!self->prepared);
  g_free (self->reference);
  self->reference = g_strdup (address);
}

/**
 * fl_probe_config_set_user:
 * @password: (nullable): the secret, copied and wiped again when the config goes
 */
void
fl_probe_config_set_user (FlProbeConfig *self,
                          const char    *principal,
                          const char    *password)
{
  g_return_if_fail (!self->prepared);
  g_free (self->user);
  self->user = g_strdup (principal);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

void
fl_probe_config_set_machine (FlProbeConfig *self,
                             const char    *principal,
                             const char    *keytab)
{
  g_return_if_fail (!self->prepared);
  g_free (self->machine);
  g_free (self->keytab);
  self->machine = g_strdup (principal);
  self->keytab = g_strdup (keytab);
}

void
fl_probe_config_set_timing (FlProbeConfig *self,
                            guint          interval_ms,
                            guint          deadline_ms)
{
  g_return_if_fail (!self->prepared);
  self->interval_ms = interval_ms;
  self->deadline_ms = deadline_ms;
}

static char *
krb5_profile_text (FlProbeConfig *self,
                   GPtrArray     *kdcs)
{
  g_autoptr(GString) s = g_string_new (NULL);

  /* TCP only (udp_preference_limit = 1): one exchange per request, and a refused port fails at
   * once. No DNS: the probe names its KDCs. */
  g_string_append_printf (s,
                          "[libdefaults]\n"
                          "\tdefault_realm = %s\n"
                          "\tdns_lookup_kdc = false\n"
                          "\tdns_lookup_realm = false\n"
                          "\tdns_canonicalize_hostname = false\n"
                          "\trdns = false\n"
                          "\tudp_preference_limit = 1\n"
                          "[realms]\n"
                          "\t%s = {\n",
                          self->realm, self->realm);
  for (guint i = 0; i < kdcs->len; i++)
    g_string_append_printf (s, "\t\tkdc = %s:88\n", ((FlProbeDc *)kdcs->pdata[i])->address);
  g_string_append (s, "\t}\n");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/**
 * fl_probe_config_prepare:
 *
 * Freezes the config and writes the krb5 profiles the Kerberos checks use: one naming each KDC
 * alone, and one naming them all in lab order (the client's view). They go to a private folder
 * (mode 0700) and hold no secret.
 */
gboolean
fl_probe_config_prepare (FlProbeConfig  *self,
                         GError        **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autofree char *client_text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->prepared)
    return TRUE;

  fl_probe_init ();

  self->tmpdir = g_dir_make_tmp ("failover-lab-krb5-XXXXXX", &local_error);
  if (self->tmpdir == NULL)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG, "%s", local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < self->dcs->len; i++)
    {
      FlProbeDc *dc = self->dcs->pdata[i];
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_autofree char *text = NULL;
      g_autofree char *base = g_strdup_printf ("krb5-%u.conf", i);

      g_ptr_array_add (one, dc);
      g_ptr_array_add (all, dc);
      text = krb5_profile_text (self, one);
      dc->krb5_conf = g_build_filename (self->tmpdir, base, NULL);
      if (!g_file_set_contents (dc->krb5_conf, text, -1, &local_error))
        {
          g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG, "%s", local_error->message);
          return FALSE;
        }
    }

  client_text = krb5_profile_text (self, all);
  self->client_krb5_conf = g_build_filename (self->tmpdir, "krb5-client.conf", NULL);
  if (!g_file_set_contents (self->client_krb5_conf, client_text, -1, &local_error))
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG, "%s", local_error->message);
      return FALSE;
    }

  self->prepared = TRUE;
  return TRUE;
}

const char *fl_probe_config_get_domain (FlProbeConfig *self) { return self->domain; }
const char *fl_probe_config_get_realm (FlProbeConfig *self) { return self->realm; }
guint fl_probe_config_get_n_dcs (FlProbeConfig *self) { return self->dcs->len; }
const char *fl_probe_config_get_reference (FlProbeConfig *self) { return self->reference; }
const char *fl_probe_config_get_user (FlProbeConfig *self) { return self->user; }
const char *fl_probe_config_get_password (FlProbeConfig *self) { return self->password; }
const char *fl_probe_config_get_machine (FlProbeConfig *self) { return self->machine; }
const char *fl_probe_config_get_keytab (FlProbeConfig *self) { return self->keytab; }
const char *fl_probe_config_get_client_krb5_conf (FlProbeConfig *self) { return self->client_krb5_conf; }
guint fl_probe_config_get_interval_ms (FlProbeConfig *self) { return self->interval_ms; }
guint fl_probe_config_get_deadline_ms (FlProbeConfig *self) { return self->deadline_ms; }

const FlProbeDc *
fl_probe_config_get_dc (FlProbeConfig *self,
                        guint          i)
{
  g_return_val_if_fail (i < self->dcs->len, NULL);
  return self->dcs->pdata[i];
}

const FlProbeDc *
fl_probe_config_lookup_dc (FlProbeConfig *self,
                           const char    *key)
{
  if (key == NULL)
    return NULL;

  for (guint i = 0; i < self->dcs->len; i++)
    {
      FlProbeDc *dc = self->dcs->pdata[i];
      gsize hl = strlen (dc->host);

      if (g_ascii_strcasecmp (dc->name, key) == 0 || g_str_equal (dc->address, key) ||
          g_ascii_strcasecmp (dc->host, key) == 0 ||
          (g_ascii_strncasecmp (dc->host, key, hl) == 0 && g_str_equal (key + hl, ".")))
        return dc;
    }
  return NULL;
}
