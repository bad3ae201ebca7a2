/* fl-keyring.c: the lab user's password in the desktop keyring (libsecret). One item per user
 * principal (user01@TEST.LOCAL): the lab file names the user, the keyring holds the secret.
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
password_schema (void)
{
  static const SecretSchema schema = {
    "io.github.failoverlab.FailoverLab.UserPassword", SECRET_SCHEMA_NONE,
    {
      { "principal", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
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
 * @principal: the lab's user, e.g. "user01@TEST.LOCAL"
 *
 * Finishes with the stored password, %NULL (no error) when there is none.
 */
void
fl_keyring_lookup_async (const char          *principal,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fl_keyring_lookup_async);
  secret_password_lookup (password_schema (), cancellable, lookup_done, task,
                          "principal", principal, NULL);
}

/**
 * fl_keyring_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the password (free with secret_password_free()), or
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

void
fl_keyring_store_async (const char          *principal,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = g_strdup_printf (_("Failover Lab: password of %s"), principal);

  g_task_set_source_tag (task, fl_keyring_store_async);
  secret_password_store (password_schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                         store_done, task, "principal", principal, NULL);
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
fl_keyring_clear_async (const char          *principal,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fl_keyring_clear_async);
  secret_password_clear (password_schema (), cancellable, clear_done, task, "principal", principal, NULL);
}

gboolean
fl_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
