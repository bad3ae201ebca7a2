/* fl-fsmo-transfer.c: moving an FSMO role from the window. One dialog asks for it: what the
 * transfer does, the interlocks' reasons (decided by the session, as for failoverctl), and the
 * administrator's account and password, which are asked each time and never kept. A refusal
 * (the holder or the target does not answer) is said in the same dialog, with why seizing is
 * not offered. The outcome is a toast; a failure is a dialog with the DC's words.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-fsmo-transfer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fl-app-text.h"
#include "fl-fsmo-transfer.h"

#define TRANSFER_TIMEOUT_MS 120000

typedef struct
{
  FlLabSession    *session;
  GtkWindow       *parent;     /* weak */
  GtkWindow       *fallback;   /* weak: the parent's own parent (the main window) */
  AdwToastOverlay *toasts;     /* weak */
  FlFsmoRole       role;
  char            *target;
  char            *from;       /* nullable */
  guint            confirmed;
  GtkEditable     *account;
  GtkEditable     *password;
} Transfer;

static void
transfer_free (Transfer *t)
{
  g_clear_object (&t->session);
  g_clear_weak_pointer (&t->parent);
  g_clear_weak_pointer (&t->fallback);
  g_clear_weak_pointer (&t->toasts);
  g_free (t->target);
  g_free (t->from);
  g_free (t);
}

static void
toast (Transfer   *t,
       const char *text)
{
  if (t->toasts != NULL)
    adw_toast_overlay_add_toast (t->toasts, fl_toast_new_plain (text));
}

static void
transfer_done (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  Transfer *t = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *holder = fl_lab_session_transfer_role_finish (FL_LAB_SESSION (object), result, &error);

  if (holder != NULL)
    {
      /* TRANSLATORS: a toast: "PDC emulator moved: DC1 → DC2" */
      g_autofree char *text = g_strdup_printf (_("%s moved: %s → %s"), fl_fsmo_role_to_label (t->role),
                                               t->from ? t->from : "?", holder);
      toast (t, text);
    }
  else if (t->parent != NULL || t->fallback != NULL)
    {
      /* the details window may have been closed meanwhile: then on the main window */
      g_autofree char *heading = g_strdup_printf (_("Could Not Move %s"), fl_fsmo_role_to_label (t->role));
      g_autofree char *body = g_utf8_make_valid (error->message, -1);
      GtkWidget *dialog = adw_message_dialog_new (t->parent ? t->parent : t->fallback, heading, body);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
    }
  transfer_free (t);
}

/* the dialog owns the transfer until the user goes ahead; a second response (the dialog's
 * close after the first) finds none */
static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          data)
{
  Transfer *t = g_object_get_data (G_OBJECT (dialog), "fl-transfer");
  g_autofree char *principal = NULL;
  g_autofree char *password = NULL;
  g_autofree char *text = NULL;

  if (t == NULL)
    return;
  /* libadwaita 1.2's entry rows must not hold the focus while the dialog is destroyed */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (!g_str_equal (response, "move"))
    {
      gtk_editable_set_text (t->password, "");
      return;
    }
  principal = g_strstrip (g_strdup (gtk_editable_get_text (t->account)));
  password = g_strdup (gtk_editable_get_text (t->password));
  gtk_editable_set_text (t->password, "");
  t = g_object_steal_data (G_OBJECT (dialog), "fl-transfer");
  t->account = t->password = NULL;

  /* TRANSLATORS: a toast while a role moves: "Moving PDC emulator to DC2…" */
  text = g_strdup_printf (_("Moving %s to %s…"), fl_fsmo_role_to_label (t->role), t->target);
  toast (t, text);
  fl_lab_session_transfer_role_async (t->session, t->role, t->target, principal, password, t->confirmed,
                                      TRANSFER_TIMEOUT_MS, NULL, transfer_done, t);
  explicit_bzero (password, strlen (password));
}

/* "Move Role" once there is an account and a password */
static void
on_credentials_changed (GtkEditable      *editable,
                        AdwMessageDialog *dialog)
{
  Transfer *t = g_object_get_data (G_OBJECT (dialog), "fl-transfer");
  g_autofree char *account = NULL;

  if (t == NULL)
    return;
  account = g_strstrip (g_strdup (gtk_editable_get_text (t->account)));
  adw_message_dialog_set_response_enabled (dialog, "move",
                                           *account != '\0' && *gtk_editable_get_text (t->password) != '\0');
}

/* the administrator's account (the lab's realm filled in) and its password */
static GtkWidget *
credentials_box (Transfer *t)
{
  FlLab *lab = fl_lab_session_get_lab (t->session);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *account = adw_entry_row_new ();
  GtkWidget *password = adw_password_entry_row_new ();
  g_autofree char *admin = g_strdup_printf ("Administrator@%s", fl_lab_get_realm (lab));

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (account), _("Administrator Account"));
  gtk_editable_set_text (GTK_EDITABLE (account), admin);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Password"));
  gtk_list_box_append (GTK_LIST_BOX (list), account);
  gtk_list_box_append (GTK_LIST_BOX (list), password);
  t->account = GTK_EDITABLE (account);
  t->password = GTK_EDITABLE (password);
  return list;
}

/**
 * fl_fsmo_transfer_confirm:
 * @target: the lab's name of the DC that is to hold @role
 * @toasts: (nullable): where the outcome is said
 *
 * Asks to move @role to @target, or says why it cannot be moved now.
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWidget *
fl_fsmo_transfer_confirm (FlLabSession    *session,
                          FlFsmoRole       role,
                          const char      *target,
                          GtkWindow       *parent,
                          AdwToastOverlay *toasts)
{
  g_autoptr(FlVerdict) verdict = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *why = NULL;
  g_autofree char *heading = NULL;
  const char *from;
  GtkWidget *dialog;
  Transfer *t;

  g_return_val_if_fail (FL_IS_LAB_SESSION (session), NULL);
  g_return_val_if_fail (role < FL_FSMO_N_ROLES, NULL);

  verdict = fl_lab_session_check_transfer (session, role, target);
  why = fl_verdict_describe (verdict);
  from = fl_lab_session_get_fsmo_holder (session, role);

  if (verdict->kind == FL_VERDICT_REFUSED)
    {
      dialog = adw_message_dialog_new (parent, _("The Role Cannot Move Now"), why);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
      return dialog;
    }

  t = g_new0 (Transfer, 1);
  t->session = g_object_ref (session);
  g_set_weak_pointer (&t->parent, parent);
  if (parent != NULL && gtk_window_get_transient_for (parent) != NULL)
    g_set_weak_pointer (&t->fallback, gtk_window_get_transient_for (parent));
  g_set_weak_pointer (&t->toasts, toasts);
  t->role = role;
  t->target = g_strdup (verdict->vm);
  t->from = g_strdup (from);
  t->confirmed = verdict->reasons;

  /* TRANSLATORS: a dialog's heading: "Move PDC emulator to DC2?" */
  heading = g_strdup_printf (_("Move %s to %s?"), fl_fsmo_role_to_label (role), t->target);
  if (from != NULL)
    /* TRANSLATORS: "DC1 hands the role over to DC2 …" */
    g_string_append_printf (body, _("%s hands the role over to %s through replication. Logons do not change; "
                                    "from then on it is %s that must answer for the role."),
                            from, t->target, t->target);
  if (body->len > 0)
    g_string_append (body, "\n\n");
  g_string_append (body, _("Moving a role takes an administrator: a member of Domain Admins (Enterprise Admins for "
                           "the naming and schema masters). The password is used for this transfer only and is "
                           "not kept."));
  if (*why != '\0')
    g_string_append_printf (body, "\n\n%s", why);

  dialog = adw_message_dialog_new (parent, heading, body->str);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), credentials_box (t));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "move", _("_Move Role"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "move", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "move", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "move");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (t->password, "changed", G_CALLBACK (on_credentials_changed), dialog);
  g_signal_connect (t->account, "changed", G_CALLBACK (on_credentials_changed), dialog);
  g_object_set_data_full (G_OBJECT (dialog), "fl-transfer", t, (GDestroyNotify)transfer_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (t->password));
  return dialog;
}
