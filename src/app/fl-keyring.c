/* fl-keyring.c: the secrets in the desktop keyring (libsecret), each kind in its own schema.
 *
 * The lab user's password is keyed by its principal *and* the lab it was given for (its domain
 * and DCs, fl_lab_get_identity()): a shared lab file that names someone's principal with other
 * addresses finds nothing stored, and the user is asked, instead of the stored password going
 * to those addresses in an AS exchange that could be cracked offline. The hypervisor's secret
 * is keyed by its token id or user and the hypervisor's address.
 *
 * Everything is asynchronous: a locked keyring prompts without freezing the window.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-keyring"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "fl-keyring.h"

static const SecretSchema *
schema_of (FlKeyringKind kind)
{
  static const SecretSchema password = {
    "io.github.failoverlab.FailoverLab.LabUserPassword", SECRET_SCHEMA_NONE,
    {
      { "principal", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "lab", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  static const SecretSchema hypervisor = {
    "io.github.failoverlab.FailoverLab.HypervisorSecret", SECRET_SCHEMA_NONE,
    {
      { "principal", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "lab", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return kind == FL_KEYRING_HYPERVISOR_SECRET ? &hypervisor : &password;
}

/* "no keyring here" in words a user can act on */
static void
explain (GError **error)
{
  if (error != NULL && *error != NULL)
    g_prefix_error (error, "%s", _("The keyring cannot be used: "));
}

static void
lookup_done (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      explain (&error);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, password, (GDestroyNotify)secret_password_free);
}

/**
 * fl_keyring_lookup_async:
 * @principal: whose: the lab's user ("user01@TEST.LOCAL"), or the hypervisor's token id or user
 * @scope: where it may go: the lab's identity, or the hypervisor's address
 *
 * Finishes with the stored secret, %NULL (no error) when there is none for both.
 */
void
fl_keyring_lookup_async (FlKeyringKind        kind,
                         const char          *principal,
                         const char          *scope,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fl_keyring_lookup_async);
  secret_password_lookup (schema_of (kind), cancellable, lookup_done, task,
                          "principal", principal, "lab", scope, NULL);
}

/**
 * fl_keyring_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret (free with secret_password_free()), or
 *   %NULL with @error unset when the keyring has none
 */
char *
fl_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      explain (&error);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fl_keyring_store_async:
 * @label_where: for the item's label, which a keyring manager shows: the lab's name, the
 *   hypervisor's address
 */
void
fl_keyring_store_async (FlKeyringKind        kind,
                        const char          *principal,
                        const char          *scope,
                        const char          *label_where,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = kind == FL_KEYRING_HYPERVISOR_SECRET
                           ? g_strdup_printf (_("Failover Lab: secret of %s at %s"), principal, label_where)
                           : g_strdup_printf (_("Failover Lab: password of %s for %s"), principal, label_where);

  g_task_set_source_tag (task, fl_keyring_store_async);
  secret_password_store (schema_of (kind), SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                         store_done, task, "principal", principal, "lab", scope, NULL);
}

gboolean
fl_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      explain (&error);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
fl_keyring_clear_async (FlKeyringKind        kind,
                        const char          *principal,
                        const char          *scope,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fl_keyring_clear_async);
  secret_password_clear (schema_of (kind), cancellable, clear_done, task, "principal", principal, "lab", scope,
                         NULL);
}

gboolean
fl_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
