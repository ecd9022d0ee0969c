package ec2

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// DescribeInstanceStatus: status checks and scheduled events, as "Status
// checks for your instances" and "Scheduled events for your instances"
// describe them:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instances-status-check_sched.html
// Status checks report "initializing" for StatusCheckWarmup after an
// instance becomes running (an assumption: AWS says only that checks run
// every minute), then "ok". Scheduled events come from the failure layer
// (ScheduleInstanceEvent) and are carried out at NotBefore.

// StatusCheckWarmup is how long status checks stay "initializing".
const StatusCheckWarmup = 2 * time.Minute

// InstanceEventCode is a scheduled event's kind.
type InstanceEventCode string

// Scheduled event codes.
const (
	EventInstanceReboot     InstanceEventCode = "instance-reboot"
	EventSystemReboot       InstanceEventCode = "system-reboot"
	EventSystemMaintenance  InstanceEventCode = "system-maintenance"
	EventInstanceRetirement InstanceEventCode = "instance-retirement"
	EventInstanceStop       InstanceEventCode = "instance-stop"
)

// InstanceStatusEvent is a scheduled event.
type InstanceStatusEvent struct {
	InstanceEventId string
	Code            InstanceEventCode
	Description     string
	NotBefore       time.Time
	NotAfter        time.Time
}

// InstanceStatusDetails is one check's result.
type InstanceStatusDetails struct {
	Name   string // "reachability"
	Status string // "passed", "failed", "initializing"
}

// InstanceStatusSummary is a check group's status: "ok", "impaired",
// "initializing", "not-applicable".
type InstanceStatusSummary struct {
	Status  string
	Details []InstanceStatusDetails
}

// InstanceStatus is one instance's entry.
type InstanceStatus struct {
	InstanceId         string
	AvailabilityZone   string
	AvailabilityZoneId string
	InstanceState      InstanceState
	InstanceStatus     InstanceStatusSummary
	SystemStatus       InstanceStatusSummary
	Events             []InstanceStatusEvent
}

// DescribeInstanceStatusInput selects instances; by default only running
// ones are described (IncludeAllInstances for every state).
type DescribeInstanceStatusInput struct {
	InstanceIds         []string
	IncludeAllInstances bool
	DryRun              bool
}

// DescribeInstanceStatusOutput lists the statuses, sorted by instance ID.
type DescribeInstanceStatusOutput struct {
	InstanceStatuses []InstanceStatus
}

type scheduledEvent struct {
	ev    InstanceStatusEvent
	timer sim.Timer
}

// DescribeInstanceStatus describes status checks and scheduled events.
func (c *Client) DescribeInstanceStatus(ctx context.Context, in *DescribeInstanceStatusInput) (*DescribeInstanceStatusOutput, error) {
	if in == nil {
		in = &DescribeInstanceStatusInput{}
	}
	out := &DescribeInstanceStatusOutput{}
	err := c.call(ctx, "DescribeInstanceStatus", resRef{}, nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		var ms []*Machine
		if len(in.InstanceIds) > 0 {
			var err error
			if ms, err = s.lookup(account, c.region, in.InstanceIds); err != nil {
				return err
			}
		} else {
			s.instances.all(func(m *Machine) {
				if m.account == account && m.region == c.region {
					ms = append(ms, m)
				}
			})
		}
		sort.Slice(ms, func(i, j int) bool { return ms[i].id < ms[j].id })
		for _, m := range ms {
			if m.state != InstanceStateRunning && !in.IncludeAllInstances {
				continue
			}
			out.InstanceStatuses = append(out.InstanceStatuses, s.status(m))
		}
		return nil
	})
	return out, wrap("DescribeInstanceStatus", err)
}

func (s *Service) status(m *Machine) InstanceStatus {
	st := InstanceStatus{InstanceId: m.id, AvailabilityZone: m.azName, AvailabilityZoneId: m.azID, InstanceState: stateOf(m.state)}
	check := func() InstanceStatusSummary {
		switch {
		case m.state != InstanceStateRunning:
			return InstanceStatusSummary{Status: "not-applicable"}
		case s.env.Now().Sub(m.startedAt) < StatusCheckWarmup:
			return InstanceStatusSummary{Status: "initializing", Details: []InstanceStatusDetails{{"reachability", "initializing"}}}
		}
		return InstanceStatusSummary{Status: "ok", Details: []InstanceStatusDetails{{"reachability", "passed"}}}
	}
	st.InstanceStatus, st.SystemStatus = check(), check()
	for _, e := range m.svc.schedEvents[m] {
		st.Events = append(st.Events, e.ev)
	}
	return st
}

// ScheduleInstanceEvent schedules a maintenance event on an instance, as
// AWS does ahead of host maintenance or retirement: it shows in
// DescribeInstanceStatus until NotBefore, when EC2 carries it out
// (instance-stop and instance-retirement stop the instance, a reboot
// reboots it, system-maintenance only passes). It is the failure layer's
// hook, not an API call.
func (s *Service) ScheduleInstanceEvent(instanceID string, code InstanceEventCode, notBefore time.Time, description string) (string, error) {
	m, ok := s.instance(instanceID)
	if !ok || m.state == InstanceStateTerminated {
		return "", fmt.Errorf("ec2: ScheduleInstanceEvent: no live instance %q", instanceID)
	}
	switch code {
	case EventInstanceReboot, EventSystemReboot, EventSystemMaintenance, EventInstanceRetirement, EventInstanceStop:
	default:
		return "", fmt.Errorf("ec2: ScheduleInstanceEvent: unknown event code %q", code)
	}
	at := s.env.FromTime(notBefore)
	if at < s.env.Now() {
		return "", fmt.Errorf("ec2: ScheduleInstanceEvent: NotBefore %v is in the past", notBefore)
	}
	s.seq++
	e := &scheduledEvent{ev: InstanceStatusEvent{InstanceEventId: fmt.Sprintf("instance-event-%017x", s.seq), Code: code,
		Description: description, NotBefore: notBefore, NotAfter: notBefore.Add(2 * time.Hour)}}
	if s.schedEvents == nil {
		s.schedEvents = map[*Machine][]*scheduledEvent{}
	}
	s.schedEvents[m] = append(s.schedEvents[m], e)
	e.timer = s.env.AtDaemon(at, func() {
		evs := s.schedEvents[m]
		for i, x := range evs {
			if x == e {
				if evs = append(evs[:i], evs[i+1:]...); len(evs) == 0 {
					delete(s.schedEvents, m)
				} else {
					s.schedEvents[m] = evs
				}
				break
			}
		}
		switch code {
		case EventInstanceStop, EventInstanceRetirement:
			if m.state == InstanceStateRunning || m.state == InstanceStatePending {
				s.stop(m, "scheduled-"+string(code), &reasonScheduledStop, true)
			}
		case EventInstanceReboot, EventSystemReboot:
			if m.state == InstanceStateRunning {
				s.reboot(m)
			}
		}
	})
	return e.ev.InstanceEventId, nil
}
