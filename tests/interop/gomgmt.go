// A management client built on Debian's go-openvpn-mgmt library
// (golang-github-apparentlymart-go-openvpn-mgmt-dev): it drives a daemon
// only through the library's API and prints what the library parsed, one
// fact per line, with times and the pid reduced to "checked", so that a
// run against dcovpn and one against openvpn can be compared with diff.
//
//	gomgmt client dial:/path/sock|dial:HOST:PORT|listen:HOST:PORT PID
//	gomgmt server dial:HOST:PORT PID
//
// PID 0: the daemon's pid is not known (listen: the daemon starts after).
//
// Client: HOLD, echo and state events on, state, hold release, states up
// to CONNECTED, the pushed echo, pid, byte counts, a bad signal, SIGTERM,
// the states up to the end of the connection. Server: the same up to
// CONNECTED, then per-client byte counts (the shell starts a client),
// pid, SIGTERM. Every wait is bounded; exit status 1 says why.
//
// Build: GO111MODULE=off GOPATH=/usr/share/gocode go build gomgmt.go
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apparentlymart/go-openvpn-mgmt/openvpn"
)

const waitFor = 30 * time.Second

// unitConn hands the library's line scanner one "unit" per Read: an event
// line, a one-line reply, or a reply block up to END. The library passes
// on slices of its scanner's buffer, which the scanner's next Read may
// overwrite (bufio.Scanner's rule), while this program still reads them;
// so the next unit comes only once the last one was acknowledged: events
// by the collector once it copied them, replies by the caller once the
// library call returned.
type unitConn struct {
	net.Conn
	lines chan string
	acks  chan struct{}
	rest  []byte
	owed  bool // the last unit is not acknowledged yet
}

func newUnitConn(c net.Conn) *unitConn {
	u := &unitConn{Conn: c, lines: make(chan string, 256), acks: make(chan struct{}, 1)}
	go func() {
		r := bufio.NewReader(c)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				close(u.lines)
				return
			}
			u.lines <- l
		}
	}()
	return u
}

func (u *unitConn) ack() {
	select {
	case u.acks <- struct{}{}:
	default:
	}
}

func (u *unitConn) nextUnit() ([]byte, bool) {
	l, ok := <-u.lines
	if !ok {
		return nil, false
	}
	unit := l
	multi := !strings.HasPrefix(l, ">") && !strings.HasPrefix(l, "SUCCESS:") &&
		!strings.HasPrefix(l, "ERROR:") && strings.TrimRight(l, "\r\n") != "END"
	for multi {
		l, ok = <-u.lines
		if !ok {
			break
		}
		unit += l
		multi = strings.TrimRight(l, "\r\n") != "END"
	}
	return []byte(unit), true
}

func (u *unitConn) Read(p []byte) (int, error) {
	if len(u.rest) == 0 {
		if u.owed {
			select {
			case <-u.acks:
			case <-time.After(waitFor):
				return 0, fmt.Errorf("unit not acknowledged in %v", waitFor)
			}
		}
		unit, ok := u.nextUnit()
		if !ok {
			return 0, io.EOF
		}
		u.rest, u.owed = unit, true
	}
	n := copy(p, u.rest)
	u.rest = u.rest[n:]
	return n, nil
}

// unitListener: the listener the library's MgmtListener accepts from,
// each connection gated as above.
type unitListener struct {
	net.Listener
	last *unitConn
}

func (l *unitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.last = newUnitConn(c)
	return l.last, nil
}

// events: what the library emitted, as text, in order.
type events struct {
	mu     sync.Mutex
	list   []string
	closed bool
	more   chan struct{}
}

func (e *events) collect(ch <-chan openvpn.Event, u *unitConn) {
	for ev := range ch {
		s := describe(ev)
		u.ack()
		e.mu.Lock()
		e.list = append(e.list, s)
		e.mu.Unlock()
		e.poke()
	}
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.poke()
}

func (e *events) poke() {
	select {
	case e.more <- struct{}{}:
	default:
	}
}

// wait: the first event from index from on that starts with prefix; its
// index, or -1 after waitFor or once the connection closed.
func (e *events) wait(from int, prefix string) int {
	deadline := time.After(waitFor)
	for {
		e.mu.Lock()
		for i := from; i < len(e.list); i++ {
			if strings.HasPrefix(e.list[i], prefix) {
				e.mu.Unlock()
				return i
			}
		}
		closed := e.closed
		e.mu.Unlock()
		if closed {
			return -1
		}
		select {
		case <-e.more:
		case <-deadline:
			return -1
		}
	}
}

// waitClosed: true once the library closed the event channel (the
// daemon hung up), false after waitFor.
func (e *events) waitClosed() bool {
	deadline := time.After(waitFor)
	for {
		e.mu.Lock()
		closed := e.closed
		e.mu.Unlock()
		if closed {
			return true
		}
		select {
		case <-e.more:
		case <-deadline:
			return false
		}
	}
}

func stamp(ts string) string {
	if _, err := strconv.ParseUint(ts, 10, 64); err != nil {
		return "BAD-TIME(" + ts + ")"
	}
	return "T"
}

func describe(ev openvpn.Event) string {
	switch e := ev.(type) {
	case *openvpn.StateEvent:
		return fmt.Sprintf("STATE %s state=%s desc=%q local=%q remote=%q string=%q",
			stamp(e.RawTimestamp()), e.NewState(), e.Description(),
			e.LocalTunnelAddr(), e.RemoteAddr(), e.String())
	case *openvpn.HoldEvent:
		return fmt.Sprintf("HOLD %q", e.String())
	case *openvpn.EchoEvent:
		return fmt.Sprintf("ECHO %s message=%q", stamp(e.RawTimestamp()), e.Message())
	case *openvpn.ByteCountEvent:
		return fmt.Sprintf("BYTECOUNT client=%q in>0=%v out>0=%v",
			e.ClientId(), e.BytesIn() > 0, e.BytesOut() > 0)
	case *openvpn.UnknownEvent:
		return fmt.Sprintf("OTHER %s %q", e.Type(), e.Body())
	default:
		return fmt.Sprintf("UNEXPECTED %T %q", ev, ev.String())
	}
}

type run struct {
	c   *openvpn.MgmtClient
	u   *unitConn
	ev  *events
	pid int
	out []string
}

func (r *run) say(format string, a ...interface{}) {
	r.out = append(r.out, fmt.Sprintf(format, a...))
}

func (r *run) fail(format string, a ...interface{}) {
	r.print()
	fmt.Printf("FAIL "+format+"\n", a...)
	os.Exit(1)
}

// call: one library call, its error as the library gave it.
func (r *run) call(name string, f func() error) {
	err := f()
	r.u.ack()
	if err != nil {
		r.say("%s: error %T %q", name, err, err.Error())
	} else {
		r.say("%s: ok", name)
	}
}

func (r *run) latestState(name string) {
	st, err := r.c.LatestState()
	r.u.ack()
	if err != nil {
		r.say("%s: error %q", name, err.Error())
		return
	}
	r.say("%s: %s", name, describe(st))
}

func (r *run) checkPid() {
	pid, err := r.c.Pid()
	r.u.ack()
	switch {
	case err != nil:
		r.say("Pid: error %q", err.Error())
	case r.pid == 0 && pid > 0:
		r.say("Pid: a pid (not known here)")
	case pid != r.pid:
		r.say("Pid: %d, not the daemon's %d", pid, r.pid)
	default:
		r.say("Pid: the daemon's")
	}
}

// need: wait for an event; say which came (by its text), or fail.
func (r *run) need(from int, prefix string) int {
	i := r.ev.wait(from, prefix)
	if i < 0 {
		r.fail("no %q event within %v", prefix, waitFor)
	}
	return i
}

// byteCount: the first byte count event with traffic both ways; then
// byte counts off.
func (r *run) byteCount(prefix string) {
	for from := 0; ; {
		i := r.need(from, prefix)
		r.ev.mu.Lock()
		s := r.ev.list[i]
		r.ev.mu.Unlock()
		if strings.HasSuffix(s, "in>0=true out>0=true") {
			r.say("first byte count with traffic: %s", s)
			break
		}
		from = i + 1
	}
	r.call("SetByteCountEvents(0)", func() error { return r.c.SetByteCountEvents(0) })
}

func (r *run) start() {
	r.need(0, "HOLD")
	r.call("SetEchoEvents(true)", func() error { return r.c.SetEchoEvents(true) })
	r.call("SetStateEvents(true)", func() error { return r.c.SetStateEvents(true) })
	r.latestState("LatestState on hold")
	// before the release: openvpn looks at a new interval only when its
	// coarse timers next run (the ping interval, 10 s) once connected
	r.call("SetByteCountEvents(1s)", func() error { return r.c.SetByteCountEvents(time.Second) })
	r.call("HoldRelease", r.c.HoldRelease)
	r.need(0, "STATE T state=CONNECTED")
	r.latestState("LatestState connected")
	r.checkPid()
}

func (r *run) stop() {
	r.call("SendSignal(SIGBOGUS)", func() error { return r.c.SendSignal("SIGBOGUS") })
	r.call("SendSignal(SIGTERM)", func() error { return r.c.SendSignal("SIGTERM") })
	r.need(0, "STATE T state=EXITING")
	// the daemon ends: the library closes its event channel
	if !r.ev.waitClosed() {
		r.fail("the connection stayed open %v after SIGTERM", waitFor)
	}
	r.say("connection closed")
}

func (r *run) client() {
	r.start()
	r.need(0, "ECHO")
	r.byteCount("BYTECOUNT client=\"\"")
	r.stop()
}

func (r *run) server() {
	r.start()
	r.byteCount("BYTECOUNT client=")
	r.call("SetEchoEvents(false)", func() error { return r.c.SetEchoEvents(false) })
	r.stop()
}

// volatile: >CLIENT:ENV names whose values differ from run to run.
var volatile = map[string]bool{"time_unix": true, "time_ascii": true,
	"daemon_pid": true, "daemon_start_time": true, "untrusted_port": true,
	"trusted_port": true}

// clientEnv: a >CLIENT:ENV block (its lines up to ENV,END, as the library
// gave them: UnknownEvent "CLIENT") as one sorted line, values dropped
// where they differ by run. OpenVPN's order is its env list's (the manual
// leaves it open); a manager reads the block as a set of names.
func clientEnv(lines []string) string {
	var vars []string
	for _, l := range lines {
		kv := strings.TrimSuffix(strings.TrimPrefix(l, `OTHER CLIENT "ENV,`), `"`)
		if k := strings.SplitN(kv, "=", 2)[0]; volatile[k] {
			kv = k + "=(varies)"
		}
		vars = append(vars, kv)
	}
	sort.Strings(vars)
	return "CLIENT ENV (sorted): " + strings.Join(vars, " ")
}

// print: the answers in call order, then the events in arrival order but
// for the byte counts (how many come, and when, depends on timing; the
// first with traffic both ways is among the answers).
func (r *run) print() {
	for _, s := range r.out {
		fmt.Println(s)
	}
	r.ev.mu.Lock()
	defer r.ev.mu.Unlock()
	var env []string
	for _, s := range r.ev.list {
		switch {
		case strings.HasPrefix(s, "BYTECOUNT"):
		case s == `OTHER CLIENT "ENV,END"`:
			fmt.Println("event " + clientEnv(env))
			env = nil
		case strings.HasPrefix(s, `OTHER CLIENT "ENV,`):
			env = append(env, s)
		default:
			fmt.Println("event " + s)
		}
	}
	if env != nil {
		fmt.Println("event unended " + clientEnv(env))
	}
}

// open: a library client on ADDR (see the usage), its connection gated.
func open(addr string, ch chan openvpn.Event) (*openvpn.MgmtClient, *unitConn, error) {
	if strings.HasPrefix(addr, "listen:") {
		nl, err := net.Listen("tcp", addr[len("listen:"):])
		if err != nil {
			return nil, nil, err
		}
		ul := &unitListener{Listener: nl}
		ml := openvpn.NewMgmtListener(ul)
		defer ml.Close()
		timer := time.AfterFunc(waitFor, func() { ml.Close() })
		defer timer.Stop()
		ic, err := ml.Accept()
		if err != nil {
			return nil, nil, fmt.Errorf("no connection within %v: %v", waitFor, err)
		}
		return ic.Open(ch), ul.last, nil
	}
	if !strings.HasPrefix(addr, "dial:") {
		return nil, nil, fmt.Errorf("address %q: want dial:ADDR or listen:HOST:PORT", addr)
	}
	a := addr[len("dial:"):]
	proto := "tcp"
	if strings.HasPrefix(a, "/") {
		proto = "unix"
	}
	// as the library's Dial, which gives no way to wrap the connection;
	// retried while the daemon starts
	deadline := time.Now().Add(waitFor)
	for {
		c, err := net.Dial(proto, a)
		if err == nil {
			u := newUnitConn(c)
			return openvpn.NewClient(u, ch), u, nil
		}
		if time.Now().After(deadline) {
			return nil, nil, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func main() {
	if len(os.Args) != 4 || (os.Args[1] != "client" && os.Args[1] != "server") {
		fmt.Fprintln(os.Stderr, "usage: gomgmt client|server dial:ADDR|listen:HOST:PORT PID")
		os.Exit(2)
	}
	pid, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomgmt: bad pid:", os.Args[3])
		os.Exit(2)
	}
	ch := make(chan openvpn.Event, 1024)
	c, u, err := open(os.Args[2], ch)
	if err != nil {
		fmt.Println("FAIL connect:", err)
		os.Exit(1)
	}
	r := &run{c: c, u: u, pid: pid, ev: &events{more: make(chan struct{}, 1)}}
	go r.ev.collect(ch, u)
	if os.Args[1] == "client" {
		r.client()
	} else {
		r.server()
	}
	r.print()
}
