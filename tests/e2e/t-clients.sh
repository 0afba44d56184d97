# shellcheck shell=bash
# End-to-end: the real mail clients (neomutt, mutt in batch mode) with
# $sendmail pointing at matchguard, msmtp as the relay, the SMTP sink on
# 127.0.0.1.  Sourced by tests/e2e.sh (see tests/e2e/lib.sh).

UPDATE_SUBJ="Application update - Farida Rahimi"
ALD_TO=rokonkwo@alderpoint.example.edu
ALD_CC=dreyes@alderpoint.example.edu

# the "same bytes" check for a direct run: what the SMTP server got (LF line
# ends) equals what the same client handed to a capturing $sendmail in a run
# of its own, except the header fields that the client makes anew each time
# (Date; Message-ID unless the draft had one)
# compare_with_capture SMTP-N CAPTURE-STDIN WHAT HEADER...
compare_with_capture() {
    local n=$1 cap=$2 what=$3
    shift 3
    smtp_unix "$n" "$T/got.eml"
    "$PY" "$HELPER" strip-headers "$T/got.eml" "$T/got.cmp" "$@"
    "$PY" "$HELPER" strip-headers "$cap" "$T/cap.cmp" "$@"
    expect_same "$T/got.cmp" "$T/cap.cmp" "$what"
    local h
    for h in "$@"; do
        has_header "$T/got.eml" "$h" && ok "relayed message has its $h header" ||
            bad "relayed message lost its $h header"
    done
}

# -------------------------------------------------- batch -s -c -b -- TO ---

# client_batch CLIENT: the clean update, with Cc and Bcc, from stdin
client_batch() {
    client "$1" -s "$UPDATE_SUBJ" -c "$ALD_CC" -b "$MENTOR" -- "$ALD_TO" \
        <"$E2E/messages/update-alderpoint.txt"
}

batch_common_checks() { # CLIENT: after one clean batch send
    local c=$1
    expect_received 1 "$c relayed the clean update"
    local d
    d=$(smtp 1)
    smtp_unix 1 "$T/got.eml"
    [ "$(header "$T/got.eml" To)" = "$ALD_TO" ] && ok "To header reached the server" ||
        bad "To header is '$(header "$T/got.eml" To)', expected $ALD_TO"
    [ "$(header "$T/got.eml" Cc)" = "$ALD_CC" ] && ok "Cc header reached the server" ||
        bad "Cc header is '$(header "$T/got.eml" Cc)', expected $ALD_CC"
    [ "$(header "$T/got.eml" Subject)" = "$UPDATE_SUBJ" ] && ok "Subject reached the server" ||
        bad "Subject is '$(header "$T/got.eml" Subject)'"
    if has_header "$T/got.eml" Bcc || grep -qF "$MENTOR" "$T/got.eml"; then
        bad "the Bcc address is visible in the relayed message"
    else
        ok "Bcc is in the envelope only, not in the relayed message"
    fi
    "$PY" "$HELPER" body "$T/got.eml" >"$T/got.body"
    expect_same "$T/got.body" "$E2E/messages/update-alderpoint.txt" \
        "body relayed unchanged (a lone '.' line and a 'From ' line included)"
    if read_log; then
        if [ ${#LOG_ROWS[@]} -eq 1 ] && [ "$(log_field "${LOG_ROWS[0]}" 0)" = sent ] &&
            [ "$(log_field "${LOG_ROWS[0]}" 1)" = alderpoint-ir ]; then
            ok "ledger: one entry, sent, program alderpoint-ir"
        else
            bad "ledger entries: $(printf '%s | ' "${LOG_ROWS[@]}") (expected one: sent, alderpoint-ir)"
        fi
        case ",$(log_field "${LOG_ROWS[0]:-}" 4)," in
            *",$ALD_TO,"*) ok "ledger entry lists the recipient $ALD_TO" ;;
            *) bad "ledger entry recipients '$(log_field "${LOG_ROWS[0]:-}" 4)' lack $ALD_TO" ;;
        esac
    fi
}

t_batch_plain() { # CLIENT
    local c=$1
    begin "$c-batch-sendmail-path" || return
    need "$c" msmtp || return
    # reference: what this client hands its $sendmail for this very send
    write_muttrc "$T/muttrc" "$E2E/capture-sendmail --dir $T/cap"
    client_batch "$c"
    local rc=$RC
    cp -r "$T/cap" "$T/cap.ref" 2>/dev/null
    write_muttrc "$T/muttrc" "$BIN"
    [ "$rc" -eq 0 ] && [ -f "$T/cap.ref/call.1/stdin" ] || bad "capture run of $c failed (exit $rc: $(first_err))"
    client_batch "$c"
    expect_rc 0 "$c -s -c -b -- TO with sendmail=$BIN"
    grep -q 'Error sending' "$ERR" && bad "$c reported: $(first_err)"
    batch_common_checks "$c"
    expect_envelope 1 "$ME" "$ALD_TO" "$ALD_CC" "$MENTOR"
    compare_with_capture 1 "$T/cap.ref/call.1/stdin" \
        "relayed bytes = what $c handed to \$sendmail (modulo CRLF; Date and Message-ID are new each run)" \
        Date Message-ID
    # SPEC 7: the ledger is private
    local m dm
    m=$(stat -c %a "$LEDGER" 2>/dev/null)
    dm=$(stat -c %a "$(dirname "$LEDGER")" 2>/dev/null)
    [ "$m" = 600 ] && ok "ledger file is mode 0600" || bad "ledger file mode is '${m:-missing}', expected 600"
    [ "$dm" = 700 ] && ok "ledger directory is mode 0700" || bad "ledger directory mode is '${dm:-missing}', expected 700"

    # mail that is not program mail goes through and is not recorded (SPEC 4a)
    client "$c" -s "Coffee on Saturday?" -- sam.okoro@gmail.example.com <"$E2E/messages/friend.txt"
    expect_rc 0 "$c message to a friend"
    expect_received 2 "$c relayed the message to a friend"
    expect_envelope 2 "$ME" sam.okoro@gmail.example.com
    if read_log; then
        [ ${#LOG_ROWS[@]} -eq 1 ] && ok "the message to a friend is not in the ledger" ||
            bad "ledger has ${#LOG_ROWS[@]} entries after the message to a friend, expected 1"
    fi
}

t_batch_contrib() { # CLIENT: the contrib/<client>rc.example snippet, sendmail="matchguard -oem -oi"
    local c=$1 rc_example
    case $c in neomutt) rc_example=$SRCDIR/contrib/neomuttrc.example ;; *) rc_example=$SRCDIR/contrib/muttrc.example ;; esac
    begin "$c-batch-contrib-rc" || return
    need "$c" msmtp || return
    write_muttrc "$T/muttrc" "" "source \"$rc_example\"" \
        "set sendmail=\"$E2E/capture-sendmail --dir $T/cap matchguard -oem -oi\""
    client_batch "$c"
    local rc=$RC
    [ "$rc" -eq 0 ] && [ -f "$T/cap/call.1/argv" ] || bad "capture run of $c failed (exit $rc: $(first_err))"
    # what matchguard is called with, as the snippet makes the client call it
    "$PY" "$HELPER" argv "$T/cap/call.1/argv" | tr '\n' ' ' >"$T/argv.txt"
    local want="matchguard -oem -oi -f $ME -- $ALD_TO $ALD_CC $MENTOR "
    [ "$(cat "$T/argv.txt")" = "$want" ] && ok "the snippet makes $c run: $want" ||
        bad "the snippet makes $c run '$(cat "$T/argv.txt")', expected '$want'"
    write_muttrc "$T/muttrc" "" "source \"$rc_example\""
    client_batch "$c"
    expect_rc 0 "$c with contrib/$(basename "$rc_example") (matchguard found on PATH)"
    grep -q 'Error sending\|Error in' "$ERR" && bad "$c reported: $(first_err)"
    batch_common_checks "$c"
    expect_envelope 1 "$ME" "$ALD_TO" "$ALD_CC" "$MENTOR"
}

# byte for byte: the client's $sendmail is capture-sendmail, which records
# the bytes and then execs matchguard on exactly those bytes (same argv, same
# process), so the relayed DATA must equal them exactly (modulo CRLF)
t_exact_bytes() { # CLIENT
    local c=$1
    begin "$c-relay-byte-for-byte" || return
    need "$c" msmtp || return
    write_muttrc "$T/muttrc" "" \
        "set sendmail=\"$E2E/capture-sendmail --dir $T/cap --exec $T/bin/matchguard -oem -oi\"" \
        "set use_envelope_from=yes"
    # an 8-bit body: the client re-encodes it (iso-8859-1); not a byte may change after that
    client "$c" -s "Application update - Farida Rahimi (AAMC ID 31860427)" -- pvarga@dunmore.example.org \
        < <("$PY" "$HELPER" body "$E2E/messages/draft-dunmore.eml")
    expect_rc 0 "$c 8-bit update through matchguard"
    expect_received 1 "$c 8-bit update"
    expect_envelope 1 "$ME" pvarga@dunmore.example.org
    smtp_unix 1 "$T/got.eml"
    expect_same "$T/got.eml" "$T/cap/call.1/stdin" "relayed DATA is byte-identical to what $c handed matchguard (modulo CRLF)"
    if grep -qa $'\xe9' "$T/got.eml"; then ok "8-bit byte (e-acute, iso-8859-1) arrived as such"; else bad "no 8-bit e-acute in the relayed message"; fi
}

# a large attachment (matchguard spools it, SPEC 2.1), an 8-bit body with
# use_8bitmime (-B8BITMIME), and write_bcc=yes (neomutt then keeps the Bcc
# header in what it hands over; msmtp removes it, SPEC 6)
t_attachment() {
    begin neomutt-attachment-8bit-write-bcc || return
    need neomutt msmtp || return
    head -c 2000000 /dev/urandom >"$T/scan.pdf"
    write_muttrc "$T/muttrc" "" \
        "set sendmail=\"$E2E/capture-sendmail --dir $T/cap --exec $T/bin/matchguard -oem -oi\"" \
        "set use_envelope_from=yes" "set use_8bitmime=yes" "set write_bcc=yes"
    client neomutt -s "Application update - Farida Rahimi (AAMC ID 31860427)" -a "$T/scan.pdf" \
        -b "$MENTOR" -- pvarga@dunmore.example.org \
        < <("$PY" "$HELPER" body "$E2E/messages/draft-dunmore.eml")
    expect_rc 0 "neomutt with a 2 MB attachment, 8-bit body, write_bcc=yes"
    local argv
    argv=$("$PY" "$HELPER" argv "$T/cap/call.1/argv" 2>/dev/null | tr '\n' ' ')
    [[ $argv == *-B8BITMIME* ]] && ok "neomutt passed -B8BITMIME (and msmtp accepted it through matchguard)" ||
        bad "neomutt did not pass -B8BITMIME: $argv"
    expect_received 1 "2 MB attachment"
    expect_envelope 1 "$ME" pvarga@dunmore.example.org "$MENTOR"
    smtp_unix 1 "$T/got.eml"
    has_header "$T/cap/call.1/stdin" Bcc && ok "neomutt handed over a Bcc header (write_bcc=yes)" ||
        bad "neomutt handed over no Bcc header with write_bcc=yes"
    "$PY" "$HELPER" strip-headers "$T/cap/call.1/stdin" "$T/want.eml" Bcc
    expect_same "$T/got.eml" "$T/want.eml" "2 MB message relayed byte for byte (less the Bcc header msmtp removes)"
    local left
    left=$(find "$T/tmp" -mindepth 1 2>/dev/null | head -n 3 | tr '\n' ' ')
    [ -z "$left" ] && ok "no spool file left in TMPDIR" || bad "left in TMPDIR: $left"
    expect_statuses "sent" "2 MB attachment"
}

# -------------------------------------------------------- prepared drafts --

draft_client() { # CLIENT DRAFT
    case $1 in
        neomutt) client neomutt -e 'set resume_draft_files=yes' -H "$2" </dev/null ;;
        *) client mutt -H "$2" </dev/null ;;
    esac
}

t_draft() { # CLIENT
    local c=$1 draft=$E2E/messages/draft-dunmore.eml
    begin "$c-draft" || return
    need "$c" msmtp || return
    write_muttrc "$T/muttrc" "$E2E/capture-sendmail --dir $T/cap"
    draft_client "$c" "$draft"
    [ "$RC" -eq 0 ] && [ -f "$T/cap/call.1/stdin" ] || bad "capture run of $c -H failed (exit $RC: $(first_err))"
    write_muttrc "$T/muttrc" "$BIN"
    draft_client "$c" "$draft"
    expect_rc 0 "$c -H draft.eml with sendmail=$BIN"
    expect_received 1 "$c draft"
    expect_envelope 1 "$ME" pvarga@dunmore.example.org ir-residency-office@dunmore.example.org "$MENTOR"
    compare_with_capture 1 "$T/cap/call.1/stdin" \
        "relayed bytes = what $c made of the draft (modulo CRLF and the new Date)" Date
    smtp_unix 1 "$T/got.eml"
    [ "$(header "$T/got.eml" Message-ID)" = "<draft-dunmore-20261128.e2e@laptop.mail.example.net>" ] &&
        ok "the draft's Message-ID was kept" || bad "Message-ID is '$(header "$T/got.eml" Message-ID)'"
    has_header "$T/got.eml" Bcc && bad "a Bcc header reached the server" || ok "no Bcc header in the relayed draft"
    expect_statuses "sent" "$c draft"
}

TESTS+=(
    "neomutt-batch-sendmail-path|t_batch_plain neomutt"
    "mutt-batch-sendmail-path|t_batch_plain mutt"
    "neomutt-batch-contrib-rc|t_batch_contrib neomutt"
    "mutt-batch-contrib-rc|t_batch_contrib mutt"
    "neomutt-relay-byte-for-byte|t_exact_bytes neomutt"
    "mutt-relay-byte-for-byte|t_exact_bytes mutt"
    "neomutt-attachment-8bit-write-bcc|t_attachment"
    "neomutt-draft|t_draft neomutt"
    "mutt-draft|t_draft mutt"
)
