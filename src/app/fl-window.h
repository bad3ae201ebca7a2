/* fl-window.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-recording-file.h"

#include "fl-lab.h"
#include "fl-lab-session.h"
#include "fl-timeline.h"

G_BEGIN_DECLS

#define FL_TYPE_WINDOW (fl_window_get_type ())

G_DECLARE_FINAL_TYPE (FlWindow, fl_window, FL, WINDOW, AdwApplicationWindow)

FlWindow   *fl_window_new           (AdwApplication *application);
gboolean    fl_window_open_lab      (FlWindow       *self,
                                     FlLab          *lab,
                                     GError        **error);
void        fl_window_open_file     (FlWindow       *self,
                                     GFile          *file);
FlTimeline *fl_window_get_timeline  (FlWindow       *self);
FlLabSession *fl_window_get_session (FlWindow      *self);
void        fl_window_mark_fault    (FlWindow       *self,
                                     const char     *dc,
                                     const char     *note);
gboolean    fl_window_export_chart  (FlWindow       *self,
                                     const char     *path,
                                     gboolean        svg,
                                     GError        **error);

const char *fl_window_get_logon_server (FlWindow *self);

gboolean  fl_window_open_recording (FlWindow                  *self,
                                    const FlRecordingContents *contents,
                                    const char                *path,
                                    GError                   **error);
void      fl_window_export_report_async  (FlWindow            *self,
                                          GFile               *file,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  fl_window_export_report_finish (FlWindow            *self,
                                          GAsyncResult        *result,
                                          GError             **error);

void      fl_window_set_presenter (FlWindow *self,
                                   gboolean  presenter);
gboolean  fl_window_get_presenter (FlWindow *self);

G_END_DECLS
