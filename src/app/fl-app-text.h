/* fl-app-text.h: text from outside (servers, files, command output) into widgets that read
 * Pango markup: a toast's title and a preferences row's title and subtitle are markup in
 * libadwaita, so "<a href=…>" or a stray "&" in a server's message would be taken as markup.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <glib/gi18n.h>

G_BEGIN_DECLS

/* a toast whose title is @text as it is, never markup */
static inline AdwToast *
fl_toast_new_plain (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_autofree char *escaped = g_markup_escape_text (valid, -1);

  return adw_toast_new (escaped);
}

/* a preferences row whose title and subtitle are shown as they are, never as markup */
static inline void
fl_row_set_plain (GtkWidget *row)
{
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
}

/* Trust on first use (an SSH host key, a certificate): the dialog says where to compare
 * @fingerprint, which stands on its own line, monospace and selectable, wrapped between any two
 * characters but never with a hyphen (one would read as part of it). Its responses are
 * "cancel" and "trust"; the fingerprint shown is its data "fingerprint". */
static inline GtkWidget *
fl_trust_dialog_new (GtkWindow  *parent,
                     const char *heading,
                     const char *body,
                     const char *fingerprint)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);
  GtkWidget *label = gtk_label_new (fingerprint);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (GTK_LABEL (label), attrs);
  pango_attr_list_unref (attrs);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "trust", _("_Trust"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fingerprint", g_strdup (fingerprint), g_free);
  return dialog;
}

G_END_DECLS
