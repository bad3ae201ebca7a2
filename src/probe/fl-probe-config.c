/* fl-probe-config.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-probe-config"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <ldap.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fl-check-private.h"
#include "fl-checks.h"
#include "fl-krb-pool.h"
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
  FlKrbPool *krb_pool; /* made by prepare: its contexts read the profiles written there */
  GMutex      helpers_lock;
  GHashTable *helpers; /* DC name → its idle SYSVOL helper (fl-check-sysvol.c); under the lock */
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
static char *runtime_dir;

/* The folder of this user's profiles: $XDG_RUNTIME_DIR/failover-lab (a tmpfs the session
 * clears), mode 0700. Files in it have fixed names or carry their process's PID, so a process
 * that is killed leaves nothing that accumulates: the next start removes what it left. */
static char *
make_runtime_dir (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "failover-lab", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return NULL;
  return g_steal_pointer (&dir);
}

/* Removes profile folders (probe-PID-XXXXXX): this process's own (@mine), or those of
 * processes that no longer run. */
static void
sweep_profiles (const char *dir,
                gboolean    mine)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GDir) sub = NULL;
      const char *entry;
      char *end = NULL;
      long pid;

      if (!g_str_has_prefix (name, "probe-"))
        continue;
      errno = 0;
      pid = strtol (name + strlen ("probe-"), &end, 10);
      if (errno != 0 || end == NULL || *end != '-' || pid <= 0)
        continue;
      if (mine ? pid != (long) getpid ()
               : pid == (long) getpid () || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      path = g_build_filename (dir, name, NULL);
      sub = g_dir_open (path, 0, NULL);
      while (sub != NULL && (entry = g_dir_read_name (sub)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, entry, NULL);

          g_unlink (file);
        }
      g_rmdir (path);
    }
}

void
fl_probe_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      g_setenv ("SSSD_KRB5_LOCATOR_DISABLE", "true", TRUE);
      ldap_set_option (NULL, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);

      runtime_dir = make_runtime_dir ();
      if (runtime_dir != NULL)
        {
          static const char profile[] =
            "# written by Failover Lab for its GSSAPI binds\n"
            "[libdefaults]\n"
            "\tdns_canonicalize_hostname = false\n"
            "\trdns = false\n"
            "\tdns_lookup_kdc = false\n"
            "\tdns_lookup_realm = false\n";
          g_autofree char *path = g_build_filename (runtime_dir, "gssapi-krb5.conf", NULL);

          sweep_profiles (runtime_dir, FALSE);
          /* The GSSAPI mechanism (the FSMO check's SASL bind) makes its own krb5 contexts
           * from the environment. Give it a profile that never canonicalises host names
           * through DNS (with the first name server silent, that would stall every bind); it
           * needs nothing else, since the service ticket is already in the thread's ccache.
           * One file for every process of this user, same content, replaced atomically, never
           * removed (another process may be reading it). Set once, here, before any thread
           * runs: setenv() is not thread-safe. */
          if (g_file_set_contents_full (path, profile, sizeof profile - 1,
                                        G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
            g_setenv ("KRB5_CONFIG", path, TRUE);
        }
      g_once_init_leave (&once, 1);
    }
}

/**
 * fl_probe_shutdown:
 *
 * Call once before the process exits, on the main thread, after the schedulers are gone: waits
 * (at most 15 s: longer than any check's deadline) until no check runs on any thread, then
 * removes what fl_probe_init() made. A role transfer may take longer (its own timeout): a
 * process that quits during one ends with _exit(), and the DC finishes or drops the transfer
 * on its own.
 *
 * Returns: %TRUE when the process may exit normally; %FALSE when a check still runs inside a
 *   library that cannot be interrupted: then end with _exit(), which skips the libraries'
 *   destructors that thread would trip on
 */
gboolean
fl_probe_shutdown (void)
{
  gboolean idle = fl_check_wait_idle (15 * G_USEC_PER_SEC);

  /* no check reads them now; a configuration still referenced at exit (a result never
   * delivered to a main loop) would otherwise leave its folder to the next start */
  if (idle && runtime_dir != NULL)
    sweep_profiles (runtime_dir, TRUE);
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
  g_mutex_init (&self->helpers_lock);
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
  g_clear_pointer (&self->krb_pool, fl_krb_pool_free);
  /* before the private folder goes: the helpers keep their caches there */
  g_clear_pointer (&self->helpers, g_hash_table_unref);
  g_mutex_clear (&self->helpers_lock);
  if (self->client_krb5_conf != NULL)
    g_unlink (self->client_krb5_conf);
  g_free (self->client_krb5_conf);
  if (self->tmpdir != NULL)
    {
      /* what the SYSVOL helper's libsmbclient keeps there */
      g_autofree char *gencache = g_build_filename (self->tmpdir, "gencache.tdb", NULL);

      g_unlink (gencache);
      g_rmdir (self->tmpdir);
    }
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
  g_autofree char *template = NULL;

  if (self->prepared)
    return TRUE;

  fl_probe_init ();

  if (runtime_dir == NULL)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                   _("Cannot create the folder for Kerberos profiles in %s: %s"),
                   g_get_user_runtime_dir (), g_strerror (errno));
      return FALSE;
    }
  template = g_strdup_printf ("probe-%ld-XXXXXX", (long) getpid ());
  self->tmpdir = g_build_filename (runtime_dir, template, NULL);
  if (g_mkdtemp_full (self->tmpdir, 0700) == NULL)
    {
      int saved = errno;

      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                   _("Cannot create a folder for Kerberos profiles in %s: %s"), runtime_dir,
                   g_strerror (saved));
      g_clear_pointer (&self->tmpdir, g_free);
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

  self->krb_pool = fl_krb_pool_new ();
  self->prepared = TRUE;
  return TRUE;
}

/* The SYSVOL helpers between two checks: a check takes its DC's (no other check can use it
 * meanwhile) and keeps it again when it is fit for the next one. The config ends them. */
FlSysvolHelper *
fl_probe_config_take_sysvol_helper (FlProbeConfig *self,
                                    const char    *dc_name)
{
  FlSysvolHelper *helper = NULL;
  g_autofree char *key = NULL;

  g_mutex_lock (&self->helpers_lock);
  if (self->helpers != NULL)
    g_hash_table_steal_extended (self->helpers, dc_name, (gpointer *)&key, (gpointer *)&helper);
  g_mutex_unlock (&self->helpers_lock);
  return helper;
}

/* ends the helpers kept for the next checks: probing paused or stopped, none will come soon */
void
fl_probe_config_drop_sysvol_helpers (FlProbeConfig *self)
{
  g_autoptr(GHashTable) helpers = NULL;

  g_mutex_lock (&self->helpers_lock);
  helpers = g_steal_pointer (&self->helpers);
  g_mutex_unlock (&self->helpers_lock);
}

void
fl_probe_config_keep_sysvol_helper (FlProbeConfig  *self,
                                    const char     *dc_name,
                                    FlSysvolHelper *helper)
{
  FlSysvolHelper *old = NULL;
  g_autofree char *old_key = NULL;

  g_mutex_lock (&self->helpers_lock);
  if (self->helpers == NULL)
    self->helpers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)fl_sysvol_helper_free);
  /* one that was there (a check beside this one) is ended outside the lock */
  g_hash_table_steal_extended (self->helpers, dc_name, (gpointer *)&old_key, (gpointer *)&old);
  g_hash_table_insert (self->helpers, g_strdup (dc_name), helper);
  g_mutex_unlock (&self->helpers_lock);
  fl_sysvol_helper_free (old);
}

/* (the Kerberos checks' contexts and learned pre-authentication: fl-krb-pool.c) */
FlKrbPool *
fl_probe_config_get_krb_pool (FlProbeConfig *self)
{
  return self->krb_pool;
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
/* the private folder (0700) of this config's files: the krb5 profiles, the SMB client's cache */
const char *fl_probe_config_get_private_dir (FlProbeConfig *self) { return self->tmpdir; }
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
