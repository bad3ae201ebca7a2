/* fl-window-private.h: the main window's parts, shared by its files (fl-window.c: the lab,
 * the tiles, the events; fl-window-actions.c: the window's actions)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-chart.h"
#include "fl-exercise-pane.h"
#include "fl-lab-session.h"
#include "fl-logon-banner.h"
#include "fl-recording-file.h"
#include "fl-vm-control.h"
#include "fl-window.h"

G_BEGIN_DECLS

struct _FlWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkToggleButton *run_button;
  GtkDropDown     *interval_dropdown;
  GtkStack        *stack;
  AdwStatusPage   *welcome_page;
  GtkListBox      *recent_list;
  GtkWidget       *recordings_heading;
  GtkListBox      *recordings_list;
  FlLogonBanner   *banner;
  GtkFlowBox      *tiles;
  FlChart         *chart;
  GtkButton       *live_button;
  GtkListView     *event_list;
  FlExercisePane  *exercise_pane;

  /* owned */
  GSettings            *settings;
  FlLab                *lab;
  FlProbeConfig        *config;
  FlLabSession         *session;     /* the running lab */
  FlTimeline           *timeline;    /* the session's: the chart's and the event list's */
  GtkStringList        *events;
  FlVmControl          *vm_control;
  FlRecorder           *recorder;        /* every session is recorded */
  char                 *recording_path;  /* this session's recording, or the one replayed */
  char                 *hv_secret;       /* the hypervisor's, from the keyring or the environment */

  gint64                fault_mono;      /* the last fault: the event list counts from it */
  gboolean              closing;         /* closing once the exercise has given the lab back */
  gint64                start_mono;
};

void fl_window_class_add_actions (GtkWidgetClass *widget_class);
void fl_window_run_exercise      (FlWindow       *self,
                                  FlExercise     *exercise);
void fl_window_running_changed   (FlWindow       *self);
void fl_window_ask_password      (FlWindow       *self,
                                  FlLab          *lab,
                                  const GError   *keyring_error);

G_END_DECLS
