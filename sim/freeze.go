package sim

// Freeze suspends p without ending it: whatever wait p is in (or starts
// next, if p is running now) goes on, but when it ends p does not resume
// until Thaw. Its context stays valid (Done stays open, Err nil). A wait
// that ended while p was frozen returns at the Thaw with its normal result
// (a Sleep returns nil, overdue), so the process sees virtual time jump as
// a program does after its machine was suspended. Kill still ends a
// frozen process. ec2 uses it for hibernation: the instance's memory, and
// with it every process's state, survives the stop.
func (p *Proc) Freeze() {
	if p.state == procDone {
		return
	}
	p.frozen = true
}

// Thaw undoes Freeze: a wake-up held while p was frozen is delivered now.
func (p *Proc) Thaw() {
	if !p.frozen {
		return
	}
	p.frozen = false
	if p.thawPending && p.state != procDone {
		p.thawPending = false
		p.timerPending = true
		p.env.push(p.env.now, hProc, uint64(p.idx)<<32|uint64(p.gen), p.daemon)
	}
}

// Frozen reports whether p is frozen.
func (p *Proc) Frozen() bool { return p.frozen }

// holdWake records, from resume, a wake-up that arrived while p is frozen:
// the wait is decided (an Interrupt meanwhile is queued for the next wait)
// and the process resumes at Thaw.
func (p *Proc) holdWake() {
	if p.state == procWaiting {
		p.woken = true
	}
	p.thawPending = true
}
