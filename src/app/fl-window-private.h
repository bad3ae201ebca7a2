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
  GtkWidget       *mark_button;
  GtkStack        *stack;
  AdwStatusPage   *welcome_page;
  GtkListBox      *recent_list;
  GtkWidget       *recordings_heading;
  GtkListBox      *recordings_list;
  FlLogonBanner   *banner;
  GtkWidget       *page_scroller;
  GtkFlowBox      *tiles;
  FlChart         *chart;
  GtkButton       *live_button;
  GtkListView     *event_list;
  GtkWidget       *events_heading;
  GtkWidget       *events_frame;
  FlExercisePane  *exercise_pane;
  GtkWidget       *replay_bar;
  GtkButton       *play_button;
  GtkDropDown     *speed_dropdown;
  GtkScale        *replay_scale;
  GtkLabel        *replay_time;

  gboolean         presenter;        /* full screen, larger type: read from the back of a room */
  gboolean         was_fullscreen;

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

  /* a recording replayed (fl-window-replay.c) */
  FlRecordingContents  *replay;
  gint64                replay_t0, replay_t1;   /* its span (monotonic µs of the recording) */
  gint64                replay_at;              /* shown up to this moment */
  guint                 replay_sample;          /* the next sample to feed */
  guint                 replay_event;           /* the next event to feed */
  gboolean              replay_moving;          /* the slider moved by the replay, not the user */
  guint                 play_source;
  gint64                play_wall;              /* playing: the last tick's own time */
  guint                 seek_source;
};

void fl_window_class_add_actions (GtkWidgetClass *widget_class);
void fl_window_run_exercise      (FlWindow       *self,
                                  FlExercise     *exercise);
void fl_window_running_changed   (FlWindow       *self);
void fl_window_ask_password      (FlWindow       *self,
                                  FlLab          *lab,
                                  const GError   *keyring_error);

void fl_window_class_add_replay_actions (GtkWidgetClass            *widget_class);
void fl_window_replay_init              (FlWindow                  *self);
void fl_window_replay_set               (FlWindow                  *self,
                                         const FlRecordingContents *contents);
void fl_window_replay_clear             (FlWindow                  *self);
void fl_window_replay_feed              (FlWindow                  *self,
                                         gint64                     until_us);
void fl_window_replay_shown             (FlWindow                  *self);
void fl_window_replay_rebuild           (FlWindow                  *self,
                                         gint64                     until_us);

G_END_DECLS
