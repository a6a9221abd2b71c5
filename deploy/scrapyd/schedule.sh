#!/usr/bin/env bash
# Scheduling govaudit's runs through scrapyd's HTTP API (after `bash deploy/scrapyd/deploy.sh`).
# scrapyd has no clock of its own: call these from cron or a systemd timer (see deploy/cron/govaudit.crontab).
# The alerts check and the monthly report are commands, not spiders: they run from cron or systemd only.
#
# The egg carries the code only. rubrics/ and reports/ (templates) live in the checkout on the server, so every
# job names them; the database URL (with its password) comes from scrapyd's environment
# (EnvironmentFile=/etc/govaudit/env in scrapyd's unit), never from these lines.
set -euo pipefail
SCRAPYD=${SCRAPYD:-http://127.0.0.1:6800}
# scrapyd asks for basic authentication (scrapyd.conf): the credentials go to curl on its standard input,
# never on its command line (where `ps` would show them)
api() {
  if [ -n "${SCRAPYD_USERNAME:-}" ]; then
    printf 'user = "%s:%s"\n' "$SCRAPYD_USERNAME" "${SCRAPYD_PASSWORD:-}" | curl -K - "$@"
  else
    curl "$@"
  fi
}
HOME_DIR=${GOVAUDIT_HOME:-/opt/govaudit}
common=(-d project=govaudit
        -d "setting=GOVAUDIT_RUBRICS_DIR=$HOME_DIR/rubrics"
        -d "setting=GOVAUDIT_TEMPLATES_DIR=$HOME_DIR/reports"
        -d "setting=GOVAUDIT_REPORTS_DIR=$HOME_DIR/var/reports")

case "${1:-}" in
  monitor)    # daily pass of every running site (home page + first page of known columns); resumable per day
    api -fsS "$SCRAPYD/schedule.json" "${common[@]}" -d spider=monitor \
         -d "setting=JOBDIR=$HOME_DIR/var/jobs/monitor-$(date +%F)" ;;
  rediscover) # the weekly pass that also re-discovers every site's columns
    api -fsS "$SCRAPYD/schedule.json" "${common[@]}" -d spider=monitor -d rediscover=1 \
         -d "setting=JOBDIR=$HOME_DIR/var/jobs/monitor-$(date +%F)" ;;
  probe)      # one availability probe of every running site (run >= 20 times a day)
    api -fsS "$SCRAPYD/schedule.json" "${common[@]}" -d spider=probe ;;
  spotcheck)  # quarterly 30% spot check, reproducible from its seed (e.g. 2026Q4)
    q=$(( (10#$(date +%m) + 2) / 3 ))
    api -fsS "$SCRAPYD/schedule.json" "${common[@]}" -d spider=audit -d sample=0.3 -d "seed=$(date +%Y)Q$q" \
         -d "setting=JOBDIR=$HOME_DIR/var/jobs/spotcheck-$(date +%Y)Q$q" ;;
  rerun)      # one site after rectification: schedule.sh rerun SITE_ID
    api -fsS "$SCRAPYD/schedule.json" "${common[@]}" -d spider=audit -d "site=${2:?site id}" ;;
  jobs)
    api -fsS "$SCRAPYD/listjobs.json?project=govaudit" ;;
  *)
    echo "usage: $0 monitor|rediscover|probe|spotcheck|rerun SITE_ID|jobs" >&2; exit 2 ;;
esac
echo
