# shellcheck shell=sh
# Guest-side helpers (busybox ash) for the update tests.  Sourced by the
# scripts that tests/vm/update-*.t run in the VM.

fail()
{
	echo "FAIL: $*"
	exit 1
}

step()
{
	echo "== $*"
}

# first_line FILE: the first line of FILE
first_line()
{
	head -n 1 "$1"
}

# expect_prefix FILE PREFIX: FILE's first line starts with PREFIX
expect_prefix()
{
	_line=$(first_line "$1")
	case "$_line" in
	"$2"*) ;;
	*) fail "$1 starts with '$_line', expected '$2...'" ;;
	esac
}

# wait_asleep PID FUNCTION: wait until task PID sleeps with FUNCTION on its
# stack (polls its state and /proc/PID/stack -- wchan skips __sched
# functions; gives up after about 20 s).
wait_asleep()
{
	_n=0
	while [ $_n -lt 200 ]; do
		_state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
		if [ "$_state" = S ] && grep -q "\] $2+" "/proc/$1/stack" 2>/dev/null; then
			return 0
		fi
		_n=$((_n + 1))
		sleep 0.1
	done
	cat "/proc/$1/stack" 2>/dev/null
	fail "task $1 never slept in $2 (state '$_state')"
}

# start_sleeper: a task sleeping in do_nanosleep (do_nanosleep is __sched:
# /proc/PID/stack shows its caller, hrtimer_nanosleep); its pid in
# $sleeper.  stop_sleeper ends it.
start_sleeper()
{
	sleep 1000 &
	sleeper=$!
	wait_asleep $sleeper hrtimer_nanosleep
}

stop_sleeper()
{
	kill $sleeper
	wait $sleeper
}

# expect_timer_after FUNCTION: a 5 s timer with callback FUNCTION, armed
# before the caller's undo, has not fired yet (else the test proves
# nothing), then fires (the timer_expire_entry event must be enabled;
# gives up after about 30 s).
expect_timer_after()
{
	_trace=/sys/kernel/tracing/trace
	grep -q "function=$1 " $_trace &&
		fail "the 5 s timer fired before the undo finished: the test proves nothing"
	_n=0
	until grep -q "timer_expire_entry: .*function=$1 " $_trace; do
		_n=$((_n + 1))
		[ $_n -lt 300 ] || fail "the timer of $1 never fired"
		sleep 0.1
	done
}

# expect_nothing_loaded ID: no module and no sysfs entry of update ID left
expect_nothing_loaded()
{
	[ -e "/sys/kernel/ksplice/$1" ] && fail "/sys/kernel/ksplice/$1 left behind"
	if grep -q "^ksplice_$1_" /proc/modules; then
		fail "module of update $1 left loaded: $(grep "^ksplice_$1_" /proc/modules)"
	fi
	return 0
}

# expect_no_core: the core module is not loaded (a failed apply that
# loaded it unloads it again)
expect_no_core()
{
	if grep -q "^ksplice " /proc/modules; then
		fail "the ksplice core was left loaded"
	fi
	return 0
}

# expect_fail_with CODE OUTFILE COMMAND...: COMMAND fails, and with
# --raw-errors its first line on stderr is CODE; all output in OUTFILE
expect_fail_with()
{
	_code=$1 _out=$2
	shift 2
	if "$@" >"$_out" 2>"$_out.err"; then
		cat "$_out" "$_out.err"
		fail "'$*' succeeded, expected $_code"
	fi
	cat "$_out" "$_out.err"
	_first=$(head -n 1 "$_out.err")
	[ "$_first" = "$_code" ] || fail "'$*' failed with '$_first', expected $_code"
	cat "$_out.err" >>"$_out"
}

# sqrt_is VALUE: int_sqrt of the marked input of tests/modules/recurse
# (whose .ko is $RECURSE_KO), plainly called, is VALUE
sqrt_is()
{
	insmod "$RECURSE_KO" || fail "cannot load the recurse module"
	rmmod recurse || fail "cannot unload the recurse module"
	_got=$(dmesg | sed -n 's/.*ksplice-test-recurse: plain=\([0-9]*\).*/\1/p' | tail -n 1)
	[ "$_got" = "$1" ] || fail "int_sqrt gives $_got, expected $1"
	echo "int_sqrt: $_got"
}
