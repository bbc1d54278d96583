#!/usr/bin/env bash
# Waits until no other process holds the package manager's locks, so that apt-get does not stop at once with
# «Could not get lock». On a fresh Debian or Ubuntu machine it is usually the automatic updates at first boot
# (unattended-upgrades, apt-daily). Prints one message when it has to wait; gives up after APT_LOCK_TIMEOUT
# seconds (default 600) naming the process that holds the lock, and exits 1.
#
# dpkg and apt lock these files with fcntl(2) record locks, which flock(1) neither takes part in nor sees; the
# holders are read from /proc/locks (no fuser needed), without taking the lock even for a moment.
# APT_LOCK_FILES (space-separated) replaces the list of lock files, for tests.
set -euo pipefail

timeout=${APT_LOCK_TIMEOUT:-600}
poll=${APT_LOCK_POLL:-1}
read -r -a lock_files <<< "${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"

# "PID FILE" of the first lock file that a process holds; nothing when all are free.
lock_holder() {
  local file device inode id found
  for file in "${lock_files[@]}"; do
    [ -e "$file" ] || continue
    read -r device inode < <(stat -L -c '%D %i' "$file" 2>/dev/null) || continue
    # /proc/locks names a file by its device, as major:minor in hex, and its inode.
    device=$((16#$device))
    id=$(printf '%02x:%02x:%s' $(((device >> 8) & 0xfff | (device >> 32) & ~0xfff)) \
      $((device & 0xff | (device >> 12) & ~0xff)) "$inode")
    found=$(awk -v id="$id" -v file="$file" '
      { sub(/-> /, "") }  # a process waiting for the lock, listed under the holder
      ($2 == "POSIX" || $2 == "OFDLCK") && $6 == id { print $5, file; exit }
    ' /proc/locks)
    if [ -n "$found" ]; then
      echo "$found"
      return 0
    fi
  done
  return 0
}

describe() {  # "process 1234 (/usr/bin/python3 /usr/bin/unattended-upgrade)"
  local pid=$1 command=""
  if [ "$pid" -gt 0 ] 2>/dev/null && [ -r "/proc/$pid/cmdline" ]; then
    command=$(tr '\0\n' '  ' < "/proc/$pid/cmdline" | sed 's/ *$//' | cut -c1-120)
  fi
  if [ "$pid" -gt 0 ] 2>/dev/null; then
    echo "process $pid${command:+ ($command)}"
  else
    echo "another process"  # an open file description lock has no owner process
  fi
}

[ -r /proc/locks ] || exit 0  # not Linux: apt-get's own DPkg::Lock::Timeout is all there is
holder=$(lock_holder)
[ -z "$holder" ] && exit 0

started=$SECONDS
read -r pid file <<< "$holder"
if [ $((timeout % 60)) = 0 ]; then limit="$((timeout / 60)) min"; else limit="$timeout s"; fi
echo "Another package manager is at work: $file is held by $(describe "$pid")." \
  "Waiting for it to finish, up to $limit (APT_LOCK_TIMEOUT=seconds changes this)..."
while [ -n "$holder" ]; do
  if [ $((SECONDS - started)) -ge "$timeout" ]; then
    read -r pid file <<< "$holder"
    echo "Gave up after $limit: $file is still held by $(describe "$pid")." >&2
    echo "Let it finish (on a fresh machine: the automatic updates; see: systemctl status unattended-upgrades" \
      "apt-daily.service apt-daily-upgrade.service), or run this command again with a longer APT_LOCK_TIMEOUT." >&2
    exit 1
  fi
  sleep "$poll"
  holder=$(lock_holder)
done
echo "The package manager is free after $((SECONDS - started)) s; continuing."
