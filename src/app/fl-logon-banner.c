/* fl-logon-banner.c: the active logon server, large, and the other client views
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-logon-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "fl-logon-banner.h"

static void update (FlLogonBanner *self);
static void on_sample (FlLabSession *session, FlSample *sample, FlLogonBanner *self);

struct _FlLogonBanner
{
  AdwBin parent_instance;

  /* template widgets */
  GtkBox   *box;
  GtkImage *icon;
  GtkLabel *server_label;
  GtkLabel *since_label;
  GtkLabel *views_label;
  GtkLabel *switch_label;
  GtkLabel *client_label;

  FlLabSession *session;
};

G_DEFINE_FINAL_TYPE (FlLogonBanner, fl_logon_banner, ADW_TYPE_BIN)

static void
fl_logon_banner_dispose (GObject *object)
{
  fl_logon_banner_set_session (FL_LOGON_BANNER (object), NULL);
  G_OBJECT_CLASS (fl_logon_banner_parent_class)->dispose (object);
}

static void
fl_logon_banner_class_init (FlLogonBannerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fl_logon_banner_dispose;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-logon-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, box);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, server_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, since_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, views_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, switch_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, client_label);
}

static void
fl_logon_banner_init (FlLogonBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->switch_label), FALSE);
}

GtkWidget *
fl_logon_banner_new (void)
{
  return g_object_new (FL_TYPE_LOGON_BANNER, NULL);
}

/**
 * fl_logon_banner_set_session:
 * @session: (nullable): the lab whose client views the banner shows from now on
 */
void
fl_logon_banner_set_session (FlLogonBanner *self,
                             FlLabSession  *session)
{
  g_return_if_fail (FL_IS_LOGON_BANNER (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  /* every property the banner shows: the logon server and since when, the other views, the
   * last switchover */
  g_signal_connect_swapped (session, "notify::logon-server", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::logon-since", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::kdc", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::sssd-server", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::network", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::fsmo-down", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::last-switch", G_CALLBACK (update), self);
  g_signal_connect (session, "sample", G_CALLBACK (on_sample), self);
  update (self);
}

/* one view of the Windows client in the banner's line: "locator DC2", marked where it differs
 * from the workstation's logon server (a sign and a word, never colour alone) */
static void
append_client_view (GString    *line,
                    const char *text,
                    gboolean    differs)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (line->len > 0)
    g_string_append (line, "   ·   ");
  if (differs)
    g_string_append_printf (line, "<b>⚠ %s</b>", escaped);
  else
    g_string_append (line, escaped);
}

/* the Windows client's own views, as last asked; hidden until the first answer */
static void
update_client (FlLogonBanner *self,
               const char    *server)
{
  FlTimeline *timeline = fl_lab_session_get_timeline (self->session);
  FlSample *loc = fl_timeline_get_latest (timeline, NULL, FL_CHECK_WIN_LOCATOR);
  FlSample *sc = fl_timeline_get_latest (timeline, NULL, FL_CHECK_SECURE_CHANNEL);
  FlSample *kdc = fl_timeline_get_latest (timeline, NULL, FL_CHECK_WIN_KDC);
  FlSample *logon = fl_timeline_get_latest (timeline, NULL, FL_CHECK_WIN_LOGON);
  const char *name = fl_lab_get_client_name (fl_lab_session_get_lab (self->session));
  g_autoptr(GString) views = g_string_new (NULL);
  g_autofree char *when = NULL, *head = NULL, *line = NULL;
  gint64 wall = 0;

  if (loc == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->client_label), FALSE);
      return;
    }
  if (fl_sample_get_status (loc) == FL_STATUS_SKIPPED)
    append_client_view (views, fl_sample_get_message (loc) ? fl_sample_get_message (loc) : "", FALSE);
  else
    {
      const char *dc = fl_sample_lookup_string (loc, "server");
      g_autofree char *t = g_strdup_printf (_("locator: %s"), dc ? dc : _("no DC"));

      append_client_view (views, t, g_strcmp0 (dc, server) != 0);
      wall = fl_sample_get_wall_us (loc);
    }
  if (sc != NULL && fl_sample_get_status (sc) == FL_STATUS_OK)
    {
      const char *dc = fl_sample_lookup_string (sc, "server");
      g_autofree char *t = g_strdup_printf (_("secure channel: %s"), dc);

      append_client_view (views, t, g_strcmp0 (dc, server) != 0);
    }
  else if (sc != NULL && fl_sample_get_status (sc) != FL_STATUS_SKIPPED)
    {
      const char *code = fl_sample_lookup_string (sc, "code");
      const char *with = fl_sample_lookup_string (sc, "trusted_dc");
      /* TRANSLATORS: the Windows client's secure channel is down: "secure channel: DC1, failing (1722 RPC_S_SERVER_UNAVAILABLE)" */
      g_autofree char *t = g_strdup_printf (_("secure channel: %s, failing (%s)"), with ? with : _("no DC"),
                                            code ? code : "?");

      append_client_view (views, t, TRUE);
    }
  if (kdc != NULL && fl_sample_get_status (kdc) == FL_STATUS_OK)
    {
      const char *dc = fl_sample_lookup_string (kdc, "server");
      g_autofree char *t = g_strdup_printf (_("tickets from: %s"), dc);

      append_client_view (views, t, g_strcmp0 (dc, server) != 0);
    }
  if (logon != NULL && fl_sample_get_status (logon) == FL_STATUS_OK)
    {
      /* TRANSLATORS: %LOGONSERVER%: it changes only when the user signs in again */
      g_autofree char *t = g_strdup_printf (_("DC at sign-in: %s"), fl_sample_lookup_string (logon, "server"));

      append_client_view (views, t, FALSE);
    }
  if (wall > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (wall / G_USEC_PER_SEC);

      when = g_date_time_format (dt, "%H:%M:%S");
    }
  /* TRANSLATORS: the Windows client's own views: "WIN11 (asked at 12:31:05): locator: DC2 · …" */
  head = when ? g_strdup_printf (_("%s (asked at %s)"), name ? name : _("Client"), when)
              : g_strdup (name ? name : _("Client"));
  {
    g_autofree char *escaped = g_markup_escape_text (head, -1);

    line = g_strdup_printf ("<b>%s</b>: %s", escaped, views->str);
  }
  gtk_label_set_markup (self->client_label, line);
  gtk_widget_set_visible (GTK_WIDGET (self->client_label), TRUE);
}

static void
on_sample (FlLabSession  *session,
           FlSample      *sample,
           FlLogonBanner *self)
{
  if (fl_check_kind_is_windows (fl_sample_get_kind (sample)))
    update (self);
}

static void
update (FlLogonBanner *self)
{
  g_autoptr(GString) views = g_string_new (NULL);
  g_autofree char *kdc_text = NULL;
  const char *server = fl_lab_session_get_logon_server (self->session);
  gint64 since_wall_us = fl_lab_session_get_logon_since (self->session);
  const char *kdc = fl_lab_session_get_kdc (self->session);
  const char *sssd = fl_lab_session_get_sssd_server (self->session);
  const char *last_switch = fl_lab_session_get_last_switch (self->session);
  FlStatus network;
  guint fsmo_down;

  {
    g_autofree char *name = server ? g_strdup_printf (_("Active logon server: %s"), server)
                                   : g_strdup (_("No DC answers"));

    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  if (server != NULL)
    {
      gtk_label_set_label (self->server_label, server);
      gtk_image_set_from_icon_name (self->icon, "network-server-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->box), "no-dc");
    }
  else
    {
      gtk_label_set_label (self->server_label, _("No DC answers"));
      gtk_image_set_from_icon_name (self->icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->box), "no-dc");
    }

  if (since_wall_us > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (since_wall_us / G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (dt, "%H:%M:%S");
      g_autofree char *text = g_strdup_printf (_("since %s"), when);

      gtk_label_set_label (self->since_label, text);
    }
  else
    gtk_label_set_label (self->since_label, "");

  /* the other client views, with any disagreement highlighted */
  kdc_text = g_markup_printf_escaped (_("Tickets from: %s"), kdc ? kdc : _("no KDC"));
  if (kdc != NULL && server != NULL && g_strcmp0 (kdc, server) != 0)
    g_string_append_printf (views, "<b>⚠ %s</b>", kdc_text);
  else
    g_string_append (views, kdc_text);
  g_string_append (views, "   ·   ");
  if (sssd != NULL)
    {
      g_autofree char *t = g_markup_printf_escaped (_("SSSD uses: %s"), sssd);

      if (server != NULL && g_strcmp0 (sssd, server) != 0)
        g_string_append_printf (views, "<b>⚠ %s</b>", t);
      else
        g_string_append (views, t);
    }
  else
    g_string_append (views, _("SSSD: not available"));
  /* the reference host (the gateway): with every DC down, the lesson is that the network lives */
  network = fl_lab_session_get_network (self->session);
  if (network == FL_STATUS_OK && server == NULL)
    {
      g_autofree char *t = g_markup_escape_text (_("The network answers (the reference host): only the DCs are gone"), -1);

      g_string_append_printf (views, "\n<b>%s</b>", t);
    }
  else if (network == FL_STATUS_OK)
    g_string_append_printf (views, "   ·   %s", _("Network: ok"));
  else if (network != FL_STATUS_SKIPPED)
    {
      g_autofree char *t = g_markup_escape_text (_("Network: the reference host does not answer either"), -1);

      g_string_append_printf (views, "   ·   <b>⚠ %s</b>", t);
    }
  /* FSMO roles whose holder is down: which, and (hovered) what stops now */
  fsmo_down = fl_lab_session_get_fsmo_down (self->session);
  if (fsmo_down != 0)
    {
      g_autofree char *roles = fl_fsmo_roles_to_labels (fsmo_down);
      g_autofree char *line = NULL;
      g_autofree char *t = NULL;

      /* TRANSLATORS: "FSMO roles down with their holder: PDC emulator, RID master" */
      line = g_strdup_printf (_("FSMO roles down with their holder: %s"), roles);
      t = g_markup_escape_text (line, -1);
      g_string_append_printf (views, "\n<b>⚠ %s</b>", t);
    }
  {
    g_autofree char *impact = fsmo_down ? fl_fsmo_down_text (fsmo_down) : NULL;

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->views_label), impact);
  }
  gtk_label_set_markup (self->views_label, views->str);

  update_client (self, server);
  /* the session gives none while no DC answers (it would read as the state now) */
  gtk_label_set_label (self->switch_label, last_switch ? last_switch : "");
  gtk_widget_set_visible (GTK_WIDGET (self->switch_label), last_switch != NULL);
}
