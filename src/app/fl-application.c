/* fl-application.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-application"

#include "config.h"

#include <glib/gi18n.h>
#include <krb5.h>
#include <ldap.h>

#include "fl-application.h"
#include "fl-window.h"

struct _FlApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (FlApplication, fl_application, ADW_TYPE_APPLICATION)

#if FL_DEVELOPMENT
/* $FL_BENCH_FIRST_FRAME (the start-up benchmark; development builds only): print the wall-clock
 * time of the first frame painted, and quit when it says "quit" */
static void
first_paint (GdkFrameClock *clock,
             GtkWidget     *window)
{
  g_print ("first-frame-wall-us %" G_GINT64_FORMAT "\n", g_get_real_time ());
  g_signal_handlers_disconnect_by_func (clock, first_paint, window);
  if (g_strcmp0 (g_getenv ("FL_BENCH_FIRST_FRAME"), "quit") == 0)
    gtk_window_destroy (GTK_WINDOW (window));
}

static void
window_realized (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (first_paint), window);
}
#endif

static FlWindow *
get_window (FlApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (fl_window_new (ADW_APPLICATION (self)));
#if FL_DEVELOPMENT
      if (g_getenv ("FL_BENCH_FIRST_FRAME") != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (window_realized), NULL);
#endif
    }
  return FL_WINDOW (window);
}

static void
fl_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (FL_APPLICATION (app))));
}

static void
fl_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  FlWindow *window = get_window (FL_APPLICATION (app));

  if (n_files > 0)
    fl_window_open_file (window, files[0]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               FlApplication   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      fl_window_open_file (get_window (self), file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  FlApplication *self = data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) recordings = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Lab File"), GTK_WINDOW (get_window (self)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Lab files (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* a recording opens read-only, as it ended */
  gtk_file_filter_set_name (recordings, _("Recordings (JSON Lines)"));
  gtk_file_filter_add_pattern (recordings, "*.jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), recordings);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static char *
debug_info (void)
{
  LDAPAPIInfo info = { .ldapai_info_version = LDAP_API_INFO_VERSION };
  g_autoptr(GString) s = g_string_new (NULL);

  ldap_get_option (NULL, LDAP_OPT_API_INFO, &info);
  g_string_append_printf (s, "Failover Lab %s (%s)\n", PACKAGE_VERSION, APP_ID);
  g_string_append_printf (s, "GLib %u.%u.%u\n", glib_major_version, glib_minor_version, glib_micro_version);
  g_string_append_printf (s, "GTK %u.%u.%u\n", gtk_get_major_version (), gtk_get_minor_version (),
                          gtk_get_micro_version ());
  g_string_append_printf (s, "libadwaita %u.%u.%u\n", adw_get_major_version (), adw_get_minor_version (),
                          adw_get_micro_version ());
  g_string_append_printf (s, "%s %d\n", info.ldapai_vendor_name ? info.ldapai_vendor_name : "libldap",
                          info.ldapai_vendor_version);
  ldap_memfree (info.ldapai_vendor_name);
  ldap_memvfree ((void **)info.ldapai_extensions);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       data)
{
  FlApplication *self = data;
  g_autofree char *info = debug_info ();
  const char *developers[] = { "The Failover Lab authors", NULL };

  adw_show_about_window (GTK_WINDOW (get_window (self)),
                         "application-name", _("Failover Lab"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Watch Active Directory domain controllers fail over, and measure it"),
                         "debug-info", info,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
help_shown (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* no help viewer (yelp) on this computer, or the guide is not installed */
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (source), _("Could Not Open Help"), NULL);
      g_autofree char *text = g_utf8_make_valid (error->message, -1);   /* body: plain text */

      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("%s\n\nThe guide is read with the GNOME help viewer "
                                        "(Yelp): install it, or Failover Lab itself, to read it."),
                                      text);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
help_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  GtkWindow *window = GTK_WINDOW (get_window (FL_APPLICATION (data)));

  gtk_show_uri_full (window, "help:failover-lab", GDK_CURRENT_TIME, NULL, help_shown, NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  g_application_quit (G_APPLICATION (data));
}

static void
fl_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "open", open_action },
    { "about", about_action },
    { "help", help_action },
    { "quit", quit_action },
  };
  const char *open_accels[] = { "<Primary>o", NULL };
  const char *quit_accels[] = { "<Primary>q", NULL };
  const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (fl_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
}

static void
fl_application_class_init (FlApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = fl_application_activate;
  app_class->open = fl_application_open;
  app_class->startup = fl_application_startup;
}

static void
fl_application_init (FlApplication *self)
{
}

FlApplication *
fl_application_new (void)
{
  return g_object_new (FL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/failoverlab/FailoverLab",
                       NULL);
}
