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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-logon-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, box);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, server_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, since_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, views_label);
  gtk_widget_class_bind_template_child (widget_class, FlLogonBanner, switch_label);
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
  g_signal_connect_swapped (session, "notify::last-switch", G_CALLBACK (update), self);
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
  gtk_label_set_markup (self->views_label, views->str);

  gtk_label_set_label (self->switch_label, last_switch ? last_switch : "");
  gtk_widget_set_visible (GTK_WIDGET (self->switch_label), last_switch != NULL);
}
