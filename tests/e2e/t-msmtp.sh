# shellcheck shell=bash
# End-to-end: matchguard wrapping msmtp as contrib/msmtp/ shows it:
# [relay] command = /usr/bin/msmtp, msmtp's own configuration in
# ~/.config/msmtp/config, and msmtp-style arguments (-t, -a ACCOUNT,
# -f ADDR) given to matchguard and handed on to msmtp (SPEC 2.2, 2.3).
# Sourced by tests/e2e.sh.

t_msmtp_wrap() {
    begin msmtp-style-arguments-passed-on || return
    need msmtp || return
    # the relay line of contrib/msmtp/matchguard.conf.example, as it is
    local relay
    relay=$(sed -n 's/^command *= *//p' "$SRCDIR/contrib/msmtp/matchguard.conf.example")
    [ -n "$relay" ] || { bad "no command line in contrib/msmtp/matchguard.conf.example"; return; }
    set_relay "$relay"
    mkdir -p "$T/.config/msmtp"
    cp "$T/msmtprc" "$T/.config/msmtp/config"
    chmod 600 "$T/.config/msmtp/config"
    local alt=f.rahimi@alumni.example.net
    full_message "$T/msg.eml" "$ME_FULL" "\"Dr. Ruth Okonkwo\" <rokonkwo@alderpoint.example.edu>" \
        "Application update - Farida Rahimi" "$E2E/messages/update-alderpoint.txt" \
        "Bcc: $MENTOR"
    # an account msmtp does not know: msmtp's own error and status come back,
    # and the failed attempt does not count as sent mail
    mg -t -a no-such-account -f "$alt" <"$T/msg.eml"
    if [ "$RC" -ne 0 ] && [ "$RC" -ne 77 ]; then ok "unknown msmtp account: msmtp's failure (exit $RC) is matchguard's"; else bad "unknown msmtp account: exit $RC"; fi
    expect_stderr 'no-such-account' "the user sees msmtp's complaint about the account"
    expect_received 0 "unknown msmtp account"
    # -t: recipients from To/Cc/Bcc; -a: msmtp's account; -f: envelope sender
    mg -t -a default -f "$alt" <"$T/msg.eml"
    expect_rc 0 "matchguard -t -a default -f ADDR, relay $relay"
    expect_received 1 "msmtp-style send"
    expect_envelope 1 "$alt" rokonkwo@alderpoint.example.edu "$MENTOR"
    smtp_unix 1 "$T/got.eml"
    grep -v "^Bcc: " "$T/msg.eml" >"$T/want.eml"
    expect_same "$T/got.eml" "$T/want.eml" "relayed bytes = input less the Bcc header (removed by msmtp, SPEC 6)"
    expect_statuses "failed sent" "unknown account, then msmtp-style send"
}

TESTS+=(
    "msmtp-style-arguments-passed-on|t_msmtp_wrap"
)
