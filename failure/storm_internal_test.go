package failure

import (
	"strconv"
	"testing"
	"time"
)

// A storm carries the name of the stream a Recurring storm draws from,
// "failure/recurring/" and its own name, cut from the one string that
// holds its reclaim's name and key: building it takes that string and the
// boxed reclaim and injector, and naming the stream takes nothing.
func TestSpotStormStreamName(t *testing.T) {
	for _, c := range []struct {
		az, typ  string
		fraction float64
		waves    int
		gap      time.Duration
	}{
		{"use1-az1", "p3.2xlarge", 1, 1, 0},
		{"use1-az2", "", 0.25, 3, 90 * time.Second},
		{"use1-az3", "*", 0.5, 1, 0},
		{"a-very-long-zone-name-that-does-not-fit-the-buffer-of-the-constructor-at-all", "x1e.32xlarge", 0.125, 12, 36 * time.Hour},
	} {
		inj := SpotStorm(c.az, c.typ, c.fraction, c.waves, c.gap)
		reclaim := SpotReclaim(c.az, c.typ, c.fraction)
		s := inj.(spotStorm)
		want := "spot-storm(" + reclaim.String() + ", waves=" + strconv.Itoa(c.waves) + ", gap=" + c.gap.String() + ")"
		if inj.String() != want {
			t.Errorf("String() = %q, want %q", inj.String(), want)
		}
		if s.f != reclaim {
			t.Errorf("reclaim %#v, want %#v", s.f, reclaim)
		}
		if f := s.f.(spotReclaim); f.az() != c.az || f.typ() != c.typ {
			t.Errorf("reclaim reads back zone %q, type %q; want %q, %q", f.az(), f.typ(), c.az, c.typ)
		}
		r := recurring{gap: Exp(time.Hour), inj: inj}
		if got := r.streamName(); got != "failure/recurring/"+want {
			t.Errorf("stream %q, want %q", got, "failure/recurring/"+want)
		}
		if n := testing.AllocsPerRun(10, func() { _ = r.streamName() }); n != 0 {
			t.Errorf("streamName allocates %v times", n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = SpotStorm("use1-az1", "p3.2xlarge", 1, 1, 0) }); n > 3 {
		t.Errorf("SpotStorm allocates %v times, want the string and the two boxes", n)
	}
}
