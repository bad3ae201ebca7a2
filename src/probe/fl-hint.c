/* fl-hint.c: what a failing check means and what to do next
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-hint.h"
#include "fl-probe-enums.h"
#include "fl-probe-types.h"

/* One row per failure class: a title, and what it means with the next step. "<DC>" and
 * "<DOMAIN>" in the text become the DC and the domain concerned. */
typedef struct
{
  FlHint      hint;
  const char *title;
  const char *text;
} HintInfo;

static const HintInfo hints[] = {
  { FL_HINT_NONE, NULL, NULL },
  { FL_HINT_DC_DOWN,
    N_("The DC does not answer at all"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name */
    N_("Neither ping nor any of its ports answers: the VM is stopped or still starting, or its "
       "network is unplugged. Look at the VM in Proxmox (running is not yet ready) and at its "
       "network. Clients keep working through the other DC; once <DC> is back, give it a few "
       "minutes before you stop the other one.") },
  { FL_HINT_SERVICE_STOPPED,
    N_("The host answers, the service is stopped"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name */
    N_("The port was refused: the machine is up, the directory service on it is not. On Windows, "
       "on <DC>: Get-Service NTDS, Netlogon, Kdc, DNS; start what is stopped and read the "
       "Directory Service log. On Samba: systemctl status samba-ad-dc and "
       "journalctl -u samba-ad-dc.") },
  { FL_HINT_NO_ANSWER,
    N_("The service does not answer in time"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name */
    N_("Requests go unanswered: a firewall drops them, <DC> is overloaded, or it is still "
       "starting. Check the firewall rules for Active Directory Domain Services on <DC> and its "
       "CPU load; a DC that has just started may need a minute.") },
  { FL_HINT_CLOCK_SKEW,
    N_("The clocks disagree"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name */
    N_("Kerberos refuses tickets when two clocks are more than 5 minutes apart. If every DC "
       "shows the same offset, this workstation's clock is wrong: timedatectl, chronyc sources. "
       "If only <DC> does, fix the DC: w32tm /query /status, then w32tm /resync /rediscover. "
       "DCs take their time from the PDC emulator, which should take it from a reliable "
       "source.") },
  { FL_HINT_TRUST_BROKEN,
    N_("The machine trust is broken"),
    /* TRANSLATORS: keep <DC> and <DOMAIN> as they are: they become the DC's and the domain's
     * names; commands and event numbers stay as they are */
    N_("The workstation's machine-account password no longer matches the domain's (a snapshot "
       "or backup rolled one side back, or a password change failed): \"The trust relationship "
       "between this workstation and the primary domain failed.\" On the Windows client, as a "
       "local administrator: Test-ComputerSecureChannel -Repair -Credential <DOMAIN>\\admin, "
       "or Reset-ComputerMachinePassword -Server <DC> -Credential <DOMAIN>\\admin, or "
       "netdom resetpwd /server:<DC> /userd:<DOMAIN>\\admin /passwordd:*. On Linux: "
       "adcli update --domain=<DOMAIN> while the old key still works, otherwise join again "
       "(adcli join). Events to look for: NETLOGON 5722 and 5805 on the DCs, NETLOGON 3210 on "
       "the client, LSASRV 40960 and 40961.") },
  { FL_HINT_TRUST_BROKEN_WS2025,
    N_("The machine trust is broken (every DC runs Windows Server 2025)"),
    /* TRANSLATORS: added to the broken-trust text; policy names as Windows shows them */
    N_("Reported where every DC runs Windows Server 2025: machine-password changes keep "
       "failing, so a repaired client breaks again. Stop-gap until the fix is installed: on the "
       "DCs, \"Domain controller: Refuse machine account password changes\" = Enabled; on the "
       "members, \"Domain member: Maximum machine account password age\" = 0. Undo both "
       "afterwards: they leave machine passwords unchanged for ever.") },
  { FL_HINT_CREDENTIALS,
    N_("The KDC refused the user's credentials"),
    N_("The password is wrong, or the account is locked out, disabled or expired. Check it with "
       "Get-ADUser NAME -Properties LockedOut, Enabled, PasswordExpired (or in Active Directory "
       "Users and Computers), then store the right password for this lab. Lockouts are kept "
       "by the PDC emulator.") },
  { FL_HINT_NOT_SYNCHRONIZED,
    N_("The DC has not finished its first replication"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name */
    N_("isSynchronized is not TRUE: after a start or a restore a DC waits for one inbound "
       "replication of its partitions, and an FSMO role it holds is not active until then "
       "(the PDC emulator excepted). Wait, or start it: repadmin /syncall <DC> /AdeP on "
       "Windows, samba-tool drs replicate on Samba; repadmin /showrepl shows what fails.") },
  { FL_HINT_NETLOGON_PAUSED,
    N_("Netlogon does not offer this DC"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name */
    N_("The DC answers LDAP pings but says Netlogon is paused or that it is no directory "
       "server, so the DC locator passes it by. On <DC>: Get-Service Netlogon, "
       "net continue netlogon; dcdiag /test:advertising /s:<DC> says why.") },
  { FL_HINT_DNS_RECORDS,
    N_("DNS lacks the domain's records"),
    /* TRANSLATORS: keep <DC> and <DOMAIN> as they are */
    N_("The DNS server on <DC> answers, but the _ldap._tcp.dc._msdcs.<DOMAIN> SRV records or "
       "the DC's own A record are missing: clients cannot find the DC. On Windows: restart "
       "Netlogon on <DC> (or nltest /dsregdns), then dcdiag /test:dns /s:<DC>. On Samba: "
       "samba_dnsupdate --verbose.") },
  { FL_HINT_LOCATOR_DNS,
    N_("DNS names no DC of this domain"),
    /* TRANSLATORS: keep <DOMAIN> as it is */
    N_("The DC locator asked DNS for _ldap._tcp.dc._msdcs.<DOMAIN> and got no usable answer. "
       "A domain member's DNS servers must be the DCs, not a router or a public resolver. "
       "Compare resolvectl status (Linux) or ipconfig /all with nltest /dsgetdc:<DOMAIN> "
       "/force (Windows).") },
  { FL_HINT_NO_DC,
    N_("No domain controller answers"),
    N_("The network may be fine, but every DC is gone: names in the domain no longer resolve, "
       "new logons use cached credentials only, and tickets already issued stay valid until "
       "they expire but cannot be renewed. Bring one DC back first and let it finish its "
       "replication. In normal maintenance keep one DC up at all times: servers that lose "
       "every DC can stay broken after the DCs return.") },
  { FL_HINT_SSSD_UNAVAILABLE,
    N_("SSSD's view cannot be asked"),
    N_("This machine's SSSD InfoPipe does not answer: SSSD is not installed or not joined, its "
       "ifp service is off, or this user is not let in. To show the system's own view: add ifp "
       "to services in sssd.conf, allow this user with allowed_uids in [ifp], and restart "
       "sssd.") },
  { FL_HINT_SSSD_OFFLINE,
    N_("SSSD is offline"),
    /* TRANSLATORS: keep <DOMAIN> as it is */
    N_("SSSD has no active server for the domain: logons on this machine use cached "
       "credentials. sssctl domain-status <DOMAIN> shows the servers it tried; once a DC is "
       "back, sss_cache -E and systemctl restart sssd bring it online at once.") },
  { FL_HINT_INFRA_ON_GC,
    N_("The Infrastructure master is a global catalog"),
    /* TRANSLATORS: keep <DC> as it is: it becomes the DC's name; the command stays as it is */
    N_("<DC> holds the Infrastructure master role and is a global catalog, while not every DC is "
       "one. In a forest of more than one domain, the Infrastructure master then never updates "
       "its references to objects in the other domains (group members keep stale names). Make "
       "every DC a global catalog, or move the role to a DC that is not one (Move Here… in that "
       "DC's details, or failoverctl fsmo transfer infrastructure --to DC). In a forest of one "
       "domain, or once the AD Recycle Bin is on, it does no harm.") },
  { FL_HINT_SYSVOL,
    N_("SYSVOL does not serve Group Policy"),
    /* TRANSLATORS: keep <DC> and <DOMAIN> as they are: they become the DC's and the domain's
     * names; commands and event numbers stay as they are */
    N_("<DC> answers SMB, but its SYSVOL share, the <DOMAIN>\\Policies folder or the Default "
       "Domain Policy's GPT.INI is refused or missing. Clients that pick <DC> get no policy "
       "(gpupdate fails) and may run logon scripts from nowhere. On Windows: dcdiag "
       "/test:sysvolcheck /test:netlogons /s:<DC>, net share on <DC> (SYSVOL and NETLOGON "
       "must be there), and DFS Replication events 4012 and 2213. On Samba: samba-tool ntacl "
       "sysvolcheck, then samba-tool ntacl sysvolreset; Samba does not replicate SYSVOL, so "
       "copy it from a DC that serves it.") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (hints) == FL_N_HINTS);   /* in the enum's order (a unit test checks) */

static gboolean
error_is (const FlSample *sample,
          const char     *what)
{
  return g_strcmp0 (fl_sample_lookup_string (sample, "error"), what) == 0;
}

/**
 * fl_hint_classify:
 * @context: (nullable): what the domain as a whole says
 *
 * Returns: the failure class of @sample, %FL_HINT_NONE when it has no advice
 */
FlHint
fl_hint_classify (const FlSample      *sample,
                  const FlHintContext *context)
{
  FlCheckKind kind;
  FlStatus status;
  gint64 offset = 0;

  g_return_val_if_fail (sample != NULL, FL_HINT_NONE);

  kind = fl_sample_get_kind (sample);
  status = fl_sample_get_status (sample);
  /* a rule of the domain, said on the reading of the roles */
  if (kind == FL_CHECK_FSMO && status == FL_STATUS_OK && context != NULL && context->infra_on_gc != NULL)
    return FL_HINT_INFRA_ON_GC;
  if (status == FL_STATUS_OK)
    return FL_HINT_NONE;

  switch ((int)kind)
    {
    case FL_CHECK_SSSD:
      if (status == FL_STATUS_SKIPPED)
        return error_is (sample, "unavailable") ? FL_HINT_SSSD_UNAVAILABLE : FL_HINT_NONE;
      return status == FL_STATUS_TIMEOUT ? FL_HINT_NONE : FL_HINT_SSSD_OFFLINE;
    case FL_CHECK_LOCATOR:
      if (error_is (sample, "dns") || error_is (sample, "no-answer"))
        return FL_HINT_NO_DC;
      if (error_is (sample, "no-srv") || error_is (sample, "no-candidate"))
        return FL_HINT_LOCATOR_DNS;
      return FL_HINT_NONE;
    default:
      break;
    }

  if (status == FL_STATUS_SKIPPED || !fl_check_kind_is_per_dc (kind))
    return FL_HINT_NONE;

  /* the time check's verdict on an offset it measured, or a KDC that said "skew" */
  if (error_is (sample, "skew") || (kind == FL_CHECK_TIME && fl_sample_lookup_int64 (sample, "offset_us", &offset)))
    return FL_HINT_CLOCK_SKEW;
  if (kind == FL_CHECK_MACHINE_TRUST && error_is (sample, "auth"))
    return context != NULL && context->all_dcs_ws2025 ? FL_HINT_TRUST_BROKEN_WS2025 : FL_HINT_TRUST_BROKEN;
  if (kind == FL_CHECK_KERBEROS && error_is (sample, "auth"))
    return FL_HINT_CREDENTIALS;
  /* SMB answered and said no (a refused session or share, a folder or file refused or missing);
   * SMB's own port closed or silent is the service-down classes below */
  if (kind == FL_CHECK_SYSVOL &&
      (error_is (sample, "protocol") || error_is (sample, "auth") || error_is (sample, "malformed")))
    return FL_HINT_SYSVOL;
  if (status == FL_STATUS_DEGRADED)
    switch ((int)kind)
      {
      case FL_CHECK_LDAP:
        return FL_HINT_NOT_SYNCHRONIZED;
      case FL_CHECK_LDAP_PING:
        return FL_HINT_NETLOGON_PAUSED;
      case FL_CHECK_DNS:
        return FL_HINT_DNS_RECORDS;
      default:
        return FL_HINT_NONE;
      }
  if (kind == FL_CHECK_DNS && error_is (sample, "protocol"))
    return FL_HINT_DNS_RECORDS;
  if (kind == FL_CHECK_REACH)
    return FL_HINT_DC_DOWN;
  if (error_is (sample, "refused"))
    return FL_HINT_SERVICE_STOPPED;
  if (status == FL_STATUS_TIMEOUT || error_is (sample, "timeout") || error_is (sample, "unreachable"))
    return FL_HINT_NO_ANSWER;
  return FL_HINT_NONE;
}

#define DS_GC_FLAG 0x00000004   /* MS-ADTS 6.3.1.2: the DC is a global catalog */

/* The Infrastructure master's holder when it is a global catalog and another DC that answers
 * (its LDAP ping says so) is not; else NULL. Borrowed from @samples. */
static const char *
infra_on_gc (FlSample * const *samples,
             guint             n_samples)
{
  const char *holder = NULL;
  gboolean holder_gc = FALSE, other_not_gc = FALSE;

  for (guint i = 0; i < n_samples; i++)
    if (fl_sample_get_kind (samples[i]) == FL_CHECK_FSMO && fl_sample_get_status (samples[i]) == FL_STATUS_OK)
      holder = fl_sample_lookup_string (samples[i], fl_fsmo_role_to_string (FL_FSMO_INFRASTRUCTURE));
  if (holder == NULL || g_str_equal (holder, "?"))
    return NULL;
  for (guint i = 0; i < n_samples; i++)
    {
      const char *dc = fl_sample_get_dc (samples[i]);
      gint64 flags = 0;

      if (fl_sample_get_kind (samples[i]) != FL_CHECK_LDAP_PING || dc == NULL ||
          (fl_sample_get_status (samples[i]) != FL_STATUS_OK && fl_sample_get_status (samples[i]) != FL_STATUS_DEGRADED) ||
          !fl_sample_lookup_int64 (samples[i], "flags", &flags))
        continue;
      if (g_ascii_strcasecmp (dc, holder) == 0)
        holder_gc = (flags & DS_GC_FLAG) != 0;
      else if ((flags & DS_GC_FLAG) == 0)
        other_not_gc = TRUE;
    }
  return holder_gc && other_not_gc ? holder : NULL;
}

/**
 * fl_hint_get_dc:
 *
 * Returns: (nullable): the DC @hint (classified from @sample) is about: the sample's DC, or for
 *   a rule of the domain the DC concerned; %NULL for the domain as a whole
 */
const char *
fl_hint_get_dc (const FlSample      *sample,
                FlHint               hint,
                const FlHintContext *context)
{
  g_return_val_if_fail (sample != NULL, NULL);

  if (hint == FL_HINT_INFRA_ON_GC && context != NULL)
    return context->infra_on_gc;
  return fl_sample_get_dc (sample);
}

/**
 * fl_hint_context_scan:
 * @samples: (array length=n_samples): the latest samples, any checks
 *
 * Fills @context from the latest rootDSE (`ldap`) samples of every DC, their LDAP pings and
 * the reading of the FSMO roles.
 */
void
fl_hint_context_scan (FlHintContext    *context,
                      FlSample * const *samples,
                      guint             n_samples)
{
  guint n_ldap = 0, n_2025 = 0;

  g_return_if_fail (context != NULL);

  context->infra_on_gc = infra_on_gc (samples, n_samples);
  for (guint i = 0; i < n_samples; i++)
    {
      const char *level;

      if (fl_sample_get_kind (samples[i]) != FL_CHECK_LDAP || fl_sample_get_status (samples[i]) == FL_STATUS_SKIPPED)
        continue;
      level = fl_sample_lookup_string (samples[i], "domainControllerFunctionality");
      if (level == NULL)
        continue;
      n_ldap++;
      /* 10: Windows Server 2025 (DS_BEHAVIOR_WIN2025) */
      if (g_ascii_strtoll (level, NULL, 10) >= 10)
        n_2025++;
    }
  context->all_dcs_ws2025 = n_ldap > 0 && n_2025 == n_ldap;
}

/**
 * fl_hint_to_string:
 *
 * Returns: the hint's name for machines ("trust-broken"), as in JSON
 */
const char *
fl_hint_to_string (FlHint hint)
{
  return fl_enum_to_nick (FL_TYPE_HINT, hint);
}

/**
 * fl_hint_get_title:
 *
 * Returns: (nullable): the hint's title, translated; %NULL for %FL_HINT_NONE
 */
const char *
fl_hint_get_title (FlHint hint)
{
  g_return_val_if_fail (hint < FL_N_HINTS, NULL);
  return hints[hint].title ? _(hints[hint].title) : NULL;
}

static void
append_text (GString    *s,
             FlHint      hint,
             const char *dc,
             const char *domain)
{
  g_autoptr(GString) text = g_string_new (_(hints[hint].text));

  g_string_replace (text, "<DC>", dc && *dc ? dc : _("the DC"), 0);
  g_string_replace (text, "<DOMAIN>", domain && *domain ? domain : _("the domain"), 0);
  g_string_append (s, text->str);
}

/**
 * fl_hint_get_text:
 * @dc: (nullable): the DC concerned
 * @domain: (nullable): the domain
 *
 * Returns: (transfer full) (nullable): what the failure means and what to do next, translated
 */
char *
fl_hint_get_text (FlHint      hint,
                  const char *dc,
                  const char *domain)
{
  GString *s;

  g_return_val_if_fail (hint < FL_N_HINTS, NULL);
  if (hint == FL_HINT_NONE)
    return NULL;
  s = g_string_new (NULL);
  if (hint == FL_HINT_TRUST_BROKEN_WS2025)
    {
      append_text (s, FL_HINT_TRUST_BROKEN, dc, domain);
      g_string_append (s, "\n\n");
    }
  append_text (s, hint, dc, domain);
  return g_string_free (s, FALSE);
}
