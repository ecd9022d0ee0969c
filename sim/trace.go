package sim

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"strconv"
	"time"
)

// Field is one key-value pair of a trace record. Values are kept as text
// so that a record prints, hashes and exports the same way everywhere.
type Field struct {
	Key   string
	Value string
}

// F makes a Field, formatting v with fmt's %v (durations, times and
// numbers print as Go prints them).
func F(key string, v any) Field {
	switch x := v.(type) {
	case string:
		return Field{key, x}
	case int:
		return Field{key, strconv.Itoa(x)}
	case int64:
		return Field{key, strconv.FormatInt(x, 10)}
	case float64:
		return Field{key, strconv.FormatFloat(x, 'g', -1, 64)}
	case bool:
		return Field{key, strconv.FormatBool(x)}
	case time.Duration:
		return Field{key, x.String()}
	}
	return Field{key, fmt.Sprint(v)}
}

// Record is one entry of the trace: at an instant, a subject (a process,
// resource, instance ID, ...) did something of a kind, with fields.
type Record struct {
	At      Time
	Subject string
	Kind    string
	Fields  []Field
}

// String formats the record on one line, as the golden traces do.
func (r Record) String() string {
	b := make([]byte, 0, 64)
	b = append(b, time.Duration(r.At).String()...)
	b = append(b, ' ')
	b = append(b, r.Subject...)
	b = append(b, ' ')
	b = append(b, r.Kind...)
	for _, f := range r.Fields {
		b = append(b, ' ')
		b = append(b, f.Key...)
		b = append(b, '=')
		b = strconv.AppendQuote(b, f.Value)
	}
	return string(b)
}

// Trace records what happens in an Env. When tracing is off (the default)
// nothing is recorded and the kernel pays one nil check per event; code
// that builds fields should test Env.Tracing first.
//
// The trace hash covers every record and, in addition, the instant and
// handler of every event the kernel dispatched, so two runs with equal
// hashes made the same decisions at the same instants.
type Trace struct {
	records []Record
	keep    bool
	h       hash.Hash
	buf     [16]byte
}

// EnableTrace starts recording. Records are kept in memory for export
// unless hashOnly is set by EnableTraceHash.
func (e *Env) EnableTrace() {
	if e.trace == nil {
		e.trace = &Trace{keep: true, h: sha256.New()}
	}
}

// EnableTraceHash starts tracing without keeping records: only the hash
// is computed, for determinism checks over long runs.
func (e *Env) EnableTraceHash() {
	if e.trace == nil {
		e.trace = &Trace{h: sha256.New()}
	}
}

// Tracing reports whether a trace is being recorded.
func (e *Env) Tracing() bool { return e.trace != nil }

// Trace returns the trace, or nil if tracing is off.
func (e *Env) Trace() *Trace { return e.trace }

// Emit appends a record at the current instant. It does nothing when
// tracing is off; guard calls whose arguments are costly to build with
// Tracing.
func (e *Env) Emit(subject, kind string, fields ...Field) {
	if e.trace == nil {
		return
	}
	e.trace.add(Record{At: e.now, Subject: subject, Kind: kind, Fields: fields})
}

func (t *Trace) add(r Record) {
	io.WriteString(t.h, r.String())
	t.h.Write([]byte{'\n'})
	if t.keep {
		t.records = append(t.records, r)
	}
}

func (t *Trace) foldEvent(at Time, h uint16) {
	binary.LittleEndian.PutUint64(t.buf[:8], uint64(at))
	binary.LittleEndian.PutUint64(t.buf[8:], uint64(h))
	t.h.Write(t.buf[:])
}

func (t *Trace) procStart(at Time, p *Proc) {
	t.add(Record{At: at, Subject: p.name, Kind: "proc.start"})
}

func (t *Trace) procEnd(at Time, p *Proc) {
	kind := "proc.end"
	if _, killed := p.err.(*Killed); killed {
		kind = "proc.killed"
	}
	t.add(Record{At: at, Subject: p.name, Kind: kind})
}

// Records returns the records kept so far.
func (t *Trace) Records() []Record { return t.records }

// Hash returns the hex SHA-256 of the trace so far.
func (t *Trace) Hash() string {
	return hex.EncodeToString(t.h.Sum(nil))
}

// WriteText writes one line per record.
func (t *Trace) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, r := range t.records {
		bw.WriteString(r.String())
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// chromeEvent is one entry of the Chrome trace-event format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open.
type chromeEvent struct {
	Name  string            `json:"name"`
	Cat   string            `json:"cat,omitempty"`
	Ph    string            `json:"ph"`
	Ts    float64           `json:"ts"`
	Dur   *float64          `json:"dur,omitempty"`
	Pid   int               `json:"pid"`
	Tid   int               `json:"tid"`
	Scope string            `json:"s,omitempty"`
	Args  map[string]string `json:"args,omitempty"`
}

// WriteChromeJSON exports the kept records in the Chrome trace-event JSON
// format: one timeline row per subject, a bar for each process's lifetime
// and an instant marker for every other record. Timestamps are virtual
// microseconds since the epoch.
func (t *Trace) WriteChromeJSON(w io.Writer) error {
	tids := map[string]int{}
	var order []string
	tid := func(s string) int {
		if id, ok := tids[s]; ok {
			return id
		}
		id := len(tids) + 1
		tids[s] = id
		order = append(order, s)
		return id
	}
	us := func(at Time) float64 { return float64(at) / 1e3 }
	var evs []chromeEvent
	open := map[string][]int{} // subject -> stack of open process spans
	for _, r := range t.records {
		id := tid(r.Subject)
		switch r.Kind {
		case "proc.start":
			evs = append(evs, chromeEvent{Name: r.Subject, Cat: "proc", Ph: "X", Ts: us(r.At), Pid: 1, Tid: id})
			open[r.Subject] = append(open[r.Subject], len(evs)-1)
			continue
		case "proc.end", "proc.killed":
			if st := open[r.Subject]; len(st) > 0 {
				i := st[len(st)-1]
				open[r.Subject] = st[:len(st)-1]
				d := us(r.At) - evs[i].Ts
				evs[i].Dur = &d
			}
		}
		var args map[string]string
		if len(r.Fields) > 0 {
			args = make(map[string]string, len(r.Fields))
			for _, f := range r.Fields {
				args[f.Key] = f.Value
			}
		}
		evs = append(evs, chromeEvent{Name: r.Kind, Cat: r.Subject, Ph: "i", Scope: "t", Ts: us(r.At), Pid: 1, Tid: id, Args: args})
	}
	// Spans still open at export time end at the last record.
	var last float64
	if n := len(t.records); n > 0 {
		last = us(t.records[n-1].At)
	}
	for _, st := range open {
		for _, i := range st {
			d := last - evs[i].Ts
			evs[i].Dur = &d
		}
	}
	for _, s := range order {
		evs = append(evs, chromeEvent{Name: "thread_name", Ph: "M", Pid: 1, Tid: tids[s], Args: map[string]string{"name": s}})
	}
	enc := json.NewEncoder(w)
	return enc.Encode(struct {
		TraceEvents     []chromeEvent `json:"traceEvents"`
		DisplayTimeUnit string        `json:"displayTimeUnit"`
	}{evs, "ms"})
}
