# shellcheck shell=bash
# End-to-end: what the user meets when matchguard refuses, asks for a
# confirmation, is overridden, or is raced.  Sourced by tests/e2e.sh.

# a blocked message through neomutt: the client fails, the user reads
# matchguard's findings, nothing reaches the server, the ledger says refused
t_blocked() {
    begin neomutt-blocked-placeholder || return
    need neomutt msmtp || return
    client neomutt -s "Application update - Farida Rahimi" -- hsato@coralview-med.example.edu \
        <"$E2E/messages/placeholder-coralview.txt"
    expect_rc 1 "neomutt fails to send a message with [Program Name] and no AAMC ID"
    expect_stderr 'placeholder' "the user sees the rule id placeholder"
    expect_stderr 'applicant-id-missing' "the user sees every finding (applicant-id-missing)"
    expect_stderr '\[Program Name\]' "the user sees the offending text [Program Name]"
    expect_stderr 'child exited 77' "neomutt reports matchguard's exit 77"
    expect_received 0 "blocked message"
    expect_statuses "refused" "blocked message"
    if [ ${#LOG_ROWS[@]} -eq 1 ]; then
        case ",$(log_field "${LOG_ROWS[0]}" 3)," in
            *,placeholder,*) ok "ledger entry records the placeholder finding" ;;
            *) bad "ledger entry findings '$(log_field "${LOG_ROWS[0]}" 3)' lack placeholder" ;;
        esac
    fi
}

# a warning: refused once with wording about confirming, the same message
# sent again (mutt makes a new Date and Message-ID) is relayed (SPEC 6)
t_confirm() {
    local to=mlescaut@birchfield.example.org subj="Application update - Farida Rahimi"
    begin mutt-warn-confirm-by-resending || return
    need mutt msmtp || return
    client mutt -s "$subj" -- "$to" <"$E2E/messages/status-birchfield.txt"
    expect_rc 1 "first attempt of a status inquiry"
    expect_stderr 'status-inquiry' "the user sees the rule id status-inquiry"
    expect_stderr 'confirm' "the user is told how to confirm"
    expect_stderr 'child exited 77' "mutt reports matchguard's exit 77"
    expect_received 0 "status inquiry, first attempt"
    client mutt -s "$subj" -- "$to" <"$E2E/messages/status-birchfield.txt"
    expect_rc 0 "the same message sent again"
    expect_received 1 "status inquiry, confirmed"
    expect_envelope 1 "$ME" "$to"
    smtp_unix 1 "$T/got.eml"
    "$PY" "$HELPER" body "$T/got.eml" >"$T/got.body"
    expect_same "$T/got.body" "$E2E/messages/status-birchfield.txt" "the confirmed message's body relayed unchanged"
    expect_statuses "refused sent" "warn, then confirmed"
    # an edited message is a new message: refused again
    sed 's/oral/poster/' "$E2E/messages/status-birchfield.txt" >"$T/edited.txt"
    client mutt -s "$subj" -- "$to" <"$T/edited.txt"
    expect_rc 1 "an edited status inquiry needs its own confirmation"
    expect_received 1 "edited status inquiry"
}

# X-Matchguard-Override in a prepared draft releases the block; the header
# is not relayed, every other byte is (SPEC 2.5, 6)
t_override() {
    local draft=$E2E/messages/draft-override-elmstead.eml
    begin mutt-draft-override-header || return
    need mutt msmtp || return
    # without the header the same draft is blocked
    grep -v '^X-Matchguard-Override:' "$draft" >"$T/no-override.eml"
    client mutt -H "$T/no-override.eml" </dev/null
    expect_rc 1 "the draft without X-Matchguard-Override is refused"
    expect_stderr 'placeholder' "the refusal names placeholder"
    expect_received 0 "draft without the override"
    # what mutt hands its $sendmail for the draft with the header
    write_muttrc "$T/muttrc" "$E2E/capture-sendmail --dir $T/cap"
    client mutt -H "$draft" </dev/null
    if [ "$RC" -eq 0 ] && has_header "$T/cap/call.1/stdin" X-Matchguard-Override; then
        ok "mutt keeps X-Matchguard-Override from the draft"
    else
        bad "mutt did not hand X-Matchguard-Override to \$sendmail (exit $RC)"
    fi
    write_muttrc "$T/muttrc" "$BIN"
    client mutt -H "$draft" </dev/null
    expect_rc 0 "the draft with X-Matchguard-Override: placeholder"
    expect_received 1 "overridden draft"
    expect_envelope 1 "$ME" adiallo@elmstead-health.example.org
    smtp_unix 1 "$T/got.eml"
    has_header "$T/got.eml" X-Matchguard-Override && bad "X-Matchguard-Override reached the SMTP server" ||
        ok "X-Matchguard-Override removed before relaying"
    "$PY" "$HELPER" strip-headers "$T/got.eml" "$T/got.cmp" Date
    "$PY" "$HELPER" strip-headers "$T/cap/call.1/stdin" "$T/cap.cmp" Date X-Matchguard-Override
    expect_same "$T/got.cmp" "$T/cap.cmp" "every other byte relayed as mutt wrote it (modulo CRLF and the new Date)"
    read_log
    local row=${LOG_ROWS[-1]:-}
    if [ "$(log_field "$row" 0)" = sent ] && [[ ",$(log_field "$row" 2)," == *,placeholder,* ]]; then
        ok "ledger: the relayed entry is sent and records the override placeholder"
    else
        bad "ledger newest entry '$row' (expected status sent, overrides placeholder)"
    fi
}

# 8 concurrent #1 letters to 8 programs, after one clean program message:
# exactly one is relayed (SPEC 7: check and pending insert in one transaction)
t_concurrent() {
    begin concurrent-first-choice-letters || return
    need msmtp || return
    full_message "$T/warmup.eml" "$ME_FULL" "\"Dr. Noor Siddiqui\" <nsiddiqui@junipervale.example.edu>" \
        "Application update - Farida Rahimi" <(sed -e 's/Dr\. Okonkwo/Dr. Siddiqui/' \
            -e 's/Alderpoint IR/Juniper Vale IR/' -e "s/Alderpoint Interventional Radiology's/Juniper Vale IR's/" \
            "$E2E/messages/update-alderpoint.txt")
    mg -oi -- nsiddiqui@junipervale.example.edu <"$T/warmup.eml"
    expect_rc 0 "warm-up: a clean update to Juniper Vale"
    expect_received 1 "warm-up"
    local progs=(birchfield-ir coralview-ir dunmore-ir elmstead-ir foxhollow-ir glenrock-ir hollisport-ir ironbridge-ir)
    local i p pids=()
    for p in "${progs[@]}"; do
        first_letter "$T/first-$p.eml" "$p"
    done
    run_env
    for i in "${!progs[@]}"; do
        p=${progs[$i]}
        (
            while [ ! -e "$T/go" ]; do sleep 0.01; done
            cd "$T" && env -i "${RUN_ENV[@]}" timeout -k 5 "$E2E_TIMEOUT" "$BIN" -oi -- "${PROG_ADDR[$p]}" \
                <"$T/first-$p.eml" >"$T/cout.$i" 2>"$T/cerr.$i"
            echo $? >"$T/crc.$i"
        ) 2>/dev/null &
        pids+=($!)
    done
    sleep 0.2
    : >"$T/go"
    wait "${pids[@]}"
    local zero=0 perm=0 other="" named=0 winner=
    for i in "${!progs[@]}"; do
        case $(cat "$T/crc.$i" 2>/dev/null) in
            0) zero=$((zero + 1)); winner=${progs[$i]} ;;
            77) perm=$((perm + 1))
                grep -q 'first-choice-duplicate' "$T/cerr.$i" && named=$((named + 1)) ;;
            *) other="$other ${progs[$i]}=$(cat "$T/crc.$i" 2>/dev/null) ($(first_err "$T/cerr.$i"))" ;;
        esac
    done
    [ "$zero" -eq 1 ] && ok "exactly one of 8 concurrent #1 letters relayed ($winner)" ||
        bad "$zero of 8 concurrent #1 letters relayed, expected 1"
    [ "$perm" -eq 7 ] && ok "seven refused with exit 77" || bad "$perm refused with 77, expected 7"
    [ "$named" -eq 7 ] && ok "every refusal names first-choice-duplicate" ||
        bad "$named of the refusals name first-choice-duplicate, expected 7"
    [ -z "$other" ] || bad "other exit codes:$other"
    expect_received 2 "warm-up + the one #1 letter"
    if [ -n "$winner" ] && [ "$(received)" -ge 2 ]; then
        expect_envelope 2 "$ME" "${PROG_ADDR[$winner]}"
        smtp_unix 2 "$T/got.eml"
        expect_same "$T/got.eml" "$T/first-$winner.eml" "the relayed #1 letter is byte-identical to the input"
    fi
    if read_log; then
        local sent=0 refused=0 row
        for row in "${LOG_ROWS[@]}"; do
            case ${row%%$'\t'*} in sent) sent=$((sent + 1)) ;; refused) refused=$((refused + 1)) ;; esac
        done
        [ "$sent" -eq 2 ] && [ "$refused" -eq 7 ] && ok "ledger: 2 sent, 7 refused" ||
            bad "ledger: $sent sent, $refused refused (of ${#LOG_ROWS[@]}), expected 2 and 7"
    fi
}

TESTS+=(
    "neomutt-blocked-placeholder|t_blocked"
    "mutt-warn-confirm-by-resending|t_confirm"
    "mutt-draft-override-header|t_override"
    "concurrent-first-choice-letters|t_concurrent"
)
