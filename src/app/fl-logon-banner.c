/* fl-logon-banner.c: the active logon server, large, and the other client views
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-logon-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "fl-logon-banner.h"

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
};

G_DEFINE_FINAL_TYPE (FlLogonBanner, fl_logon_banner, ADW_TYPE_BIN)

static void
fl_logon_banner_class_init (FlLogonBannerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


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
 * fl_logon_banner_update:
 * @server: (nullable): the DC the locator picks now; %NULL when no DC answers
 * @since_wall_us: when it became so, or 0
 * @kdc: (nullable): the KDC that issued the last ticket
 * @sssd: (nullable): SSSD's active server, when SSSD is there
 * @last_switch: (nullable): e.g. "locator view: DC1 → DC2 in 3.4 s (detected after 0.6 s)"
 */
void
fl_logon_banner_update (FlLogonBanner *self,
                        const char    *server,
                        gint64         since_wall_us,
                        const char    *kdc,
                        const char    *sssd,
                        const char    *last_switch)
{
  g_autoptr(GString) views = g_string_new (NULL);
  g_autofree char *kdc_text = NULL;

  g_return_if_fail (FL_IS_LOGON_BANNER (self));

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
