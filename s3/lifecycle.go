package s3

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// BucketLifecycleConfiguration is a bucket's lifecycle rules.
type BucketLifecycleConfiguration struct {
	Rules []LifecycleRule
}

// LifecycleRule is one rule: a filter and its actions. Status is
// "Enabled" or "Disabled".
type LifecycleRule struct {
	ID     string
	Status string
	Filter *LifecycleRuleFilter
	// Expiration expires current versions Days after creation (or on
	// Date); ExpiredObjectDeleteMarker removes delete markers with no
	// noncurrent versions behind them.
	Expiration                     *LifecycleExpiration
	Transitions                    []Transition
	NoncurrentVersionExpiration    *NoncurrentVersionExpiration
	NoncurrentVersionTransitions   []NoncurrentVersionTransition
	AbortIncompleteMultipartUpload *AbortIncompleteMultipartUpload
}

// LifecycleRuleFilter selects objects by key prefix ("" for all) and
// size. Tag filters are not modelled.
type LifecycleRuleFilter struct {
	Prefix                string
	ObjectSizeGreaterThan *int64
	ObjectSizeLessThan    *int64
}

// LifecycleExpiration expires current versions.
type LifecycleExpiration struct {
	Days                      *int32
	Date                      *time.Time
	ExpiredObjectDeleteMarker *bool
}

// Transition moves current versions to another class after Days.
type Transition struct {
	Days         *int32
	StorageClass StorageClass
}

// NoncurrentVersionExpiration removes noncurrent versions NoncurrentDays
// after they became noncurrent, keeping the NewerNoncurrentVersions
// newest ones.
type NoncurrentVersionExpiration struct {
	NoncurrentDays          *int32
	NewerNoncurrentVersions *int32
}

// NoncurrentVersionTransition moves noncurrent versions to another class.
type NoncurrentVersionTransition struct {
	NoncurrentDays *int32
	StorageClass   StorageClass
}

// AbortIncompleteMultipartUpload aborts uploads DaysAfterInitiation days
// after they started.
type AbortIncompleteMultipartUpload struct {
	DaysAfterInitiation *int32
}

// PutBucketLifecycleConfigurationInput is the request.
type PutBucketLifecycleConfigurationInput struct {
	Bucket                 string
	LifecycleConfiguration *BucketLifecycleConfiguration
}

// PutBucketLifecycleConfigurationOutput is the response.
type PutBucketLifecycleConfigurationOutput struct{}

// MaxLifecycleRules is the most rules one configuration holds.
const MaxLifecycleRules = 1000

// PutBucketLifecycleConfiguration replaces the bucket's lifecycle rules.
// The rules run as a daemon once a day at midnight UTC, as S3 queues them:
// an object becomes eligible at its creation time plus Days, rounded up
// to the next midnight UTC.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
// Transitions to STANDARD_IA and ONEZONE_IA need at least 30 days
// (InvalidArgument otherwise), as AWS enforces:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
func (c *Client) PutBucketLifecycleConfiguration(ctx context.Context, in *PutBucketLifecycleConfigurationInput) (*PutBucketLifecycleConfigurationOutput, error) {
	if in == nil {
		in = &PutBucketLifecycleConfigurationInput{}
	}
	const op = "PutBucketLifecycleConfiguration"
	if err := validateLifecycle(in.LifecycleConfiguration); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	err := c.call(ctx, &request{op: op, action: "s3:PutLifecycleConfiguration", bucket: in.Bucket, write: true}, func(sv *served) error {
		cfg := *in.LifecycleConfiguration
		cfg.Rules = append([]LifecycleRule(nil), cfg.Rules...)
		sv.b.lifecycle = &cfg
		s.armLifecycle(sv.b)
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutBucketLifecycleConfigurationOutput{}, nil
}

// GetBucketLifecycleConfigurationInput is the request.
type GetBucketLifecycleConfigurationInput struct{ Bucket string }

// GetBucketLifecycleConfigurationOutput is the response.
type GetBucketLifecycleConfigurationOutput struct {
	Rules []LifecycleRule
}

// GetBucketLifecycleConfiguration returns the rules;
// NoSuchLifecycleConfiguration (404) when there are none.
func (c *Client) GetBucketLifecycleConfiguration(ctx context.Context, in *GetBucketLifecycleConfigurationInput) (*GetBucketLifecycleConfigurationOutput, error) {
	if in == nil {
		in = &GetBucketLifecycleConfigurationInput{}
	}
	var out *GetBucketLifecycleConfigurationOutput
	err := c.call(ctx, &request{op: "GetBucketLifecycleConfiguration", action: "s3:GetLifecycleConfiguration", bucket: in.Bucket}, func(sv *served) error {
		if sv.b.lifecycle == nil {
			return s3err("NoSuchLifecycleConfiguration", http.StatusNotFound, "The lifecycle configuration does not exist (bucket %s).", sv.b.name)
		}
		out = &GetBucketLifecycleConfigurationOutput{Rules: append([]LifecycleRule(nil), sv.b.lifecycle.Rules...)}
		c.svc.meterRequest(sv, classStandard, 2)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func validateLifecycle(cfg *BucketLifecycleConfiguration) error {
	malformed := func(why string) error {
		return s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema (%s).", why)
	}
	if cfg == nil || len(cfg.Rules) == 0 {
		return malformed("a lifecycle configuration needs at least one rule")
	}
	if len(cfg.Rules) > MaxLifecycleRules {
		return malformed("more than 1,000 rules")
	}
	ids := map[string]bool{}
	for i, r := range cfg.Rules {
		if r.ID != "" {
			if ids[r.ID] {
				return errInvalidArgument("Rule ID must be unique. Found same ID for more than one rule (%q).", r.ID)
			}
			ids[r.ID] = true
		}
		if r.Status != "Enabled" && r.Status != "Disabled" {
			return malformed("rule status must be Enabled or Disabled")
		}
		if r.Expiration == nil && len(r.Transitions) == 0 && r.NoncurrentVersionExpiration == nil &&
			len(r.NoncurrentVersionTransitions) == 0 && r.AbortIncompleteMultipartUpload == nil {
			return malformed("rule has no action")
		}
		pos := func(p *int32, what string) error {
			if p == nil || *p <= 0 {
				return errInvalidArgument("'%s' for %s action must be a positive integer (rule %d).", what, what, i+1)
			}
			return nil
		}
		expDays := int32(0)
		if e := r.Expiration; e != nil {
			n := 0
			if e.Days != nil {
				if err := pos(e.Days, "Days"); err != nil {
					return err
				}
				expDays = *e.Days
				n++
			}
			if e.Date != nil {
				if !e.Date.Equal(e.Date.Truncate(day)) || e.Date.UTC().Hour() != 0 {
					return errInvalidArgument("'Date' must be at midnight GMT (rule %d).", i+1)
				}
				n++
			}
			if e.ExpiredObjectDeleteMarker != nil {
				n++
			}
			if n != 1 {
				return malformed("an Expiration has exactly one of Days, Date and ExpiredObjectDeleteMarker")
			}
		}
		for _, t := range r.Transitions {
			if err := pos(t.Days, "Days"); err != nil {
				return err
			}
			cls, err := parseClass(t.StorageClass)
			if err != nil || cls == classStandard {
				return errInvalidArgument("'StorageClass' %q is not a valid transition target (rule %d).", t.StorageClass, i+1)
			}
			if (cls == classStandardIA || cls == classOnezoneIA) && *t.Days < 30 {
				return errInvalidArgument("'Days' in Transition action must be greater than or equal to 30 for storageClass '%s' (rule %d).", t.StorageClass, i+1)
			}
			if expDays > 0 && *t.Days >= expDays {
				return errInvalidArgument("'Days' in the Expiration action for filter must be greater than 'Days' in the Transition action (rule %d).", i+1)
			}
		}
		if e := r.NoncurrentVersionExpiration; e != nil {
			if err := pos(e.NoncurrentDays, "NoncurrentDays"); err != nil {
				return err
			}
		}
		for _, t := range r.NoncurrentVersionTransitions {
			if err := pos(t.NoncurrentDays, "NoncurrentDays"); err != nil {
				return err
			}
			if cls, err := parseClass(t.StorageClass); err != nil || cls == classStandard {
				return errInvalidArgument("'StorageClass' %q is not a valid transition target (rule %d).", t.StorageClass, i+1)
			}
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil {
			if err := pos(a.DaysAfterInitiation, "DaysAfterInitiation"); err != nil {
				return err
			}
		}
	}
	return nil
}

// dueAt returns when an action Days after created falls due: created
// plus the days, rounded up to midnight UTC.
func (s *Service) dueAt(created sim.Time, days int32) sim.Time {
	t := s.env.TimeOf(created).UTC().Add(time.Duration(days) * day)
	m := t.Truncate(day)
	if m.Before(t) {
		m = m.Add(day)
	}
	return s.env.FromTime(m)
}

// armLifecycle schedules the bucket's daily lifecycle run at the next
// midnight UTC, as a daemon: lifecycle is S3's work, not the scenario's.
func (s *Service) armLifecycle(b *bucket) {
	b.lifecycleTimer.Stop()
	if b.lifecycle == nil || b.deleted {
		return
	}
	now := s.env.TimeOf(s.env.Now()).UTC()
	next := now.Truncate(day).Add(day)
	b.lifecycleTimer = s.env.AtDaemon(s.env.FromTime(next), func() {
		s.runLifecycle(b)
		s.armLifecycle(b)
	})
}

func (f *LifecycleRuleFilter) match(key string, size int64) bool {
	if f == nil {
		return true
	}
	if !strings.HasPrefix(key, f.Prefix) {
		return false
	}
	if f.ObjectSizeGreaterThan != nil && size <= *f.ObjectSizeGreaterThan {
		return false
	}
	if f.ObjectSizeLessThan != nil && size >= *f.ObjectSizeLessThan {
		return false
	}
	return true
}

// runLifecycle applies every enabled rule once. It touches only what a
// rule's filter names.
func (s *Service) runLifecycle(b *bucket) {
	if b.lifecycle == nil || b.deleted {
		return
	}
	now := s.env.Now()
	type change struct {
		key string
		fn  func()
	}
	var changes []change
	for _, r := range b.lifecycle.Rules {
		if r.Status != "Enabled" {
			continue
		}
		prefix := ""
		if r.Filter != nil {
			prefix = r.Filter.Prefix
		}
		b.keys.AscendGreaterOrEqual(item{key: prefix}, func(it item) bool {
			if !strings.HasPrefix(it.key, prefix) {
				return false
			}
			key, head := it.key, it.v
			// Current version.
			if !head.deleteMarker() && r.Filter.match(key, head.size) && s.live(b, head) {
				expire := false
				if e := r.Expiration; e != nil {
					if e.Days != nil && s.dueAt(head.modified, *e.Days) <= now || e.Date != nil && s.env.FromTime(*e.Date) <= now {
						expire = true
					}
				}
				if expire {
					changes = append(changes, change{key, func() { _, _ = s.deleteOne(b, key, "") }})
				} else {
					for _, t := range r.Transitions {
						cls, _ := parseClass(t.StorageClass)
						if cls != head.class && s.dueAt(head.modified, *t.Days) <= now && transitionAllowed(head.class, cls) {
							v := head
							changes = append(changes, change{key, func() { s.transition(b, v, cls) }})
							break
						}
					}
				}
			}
			// A lone expired delete marker.
			if head.deleteMarker() && head.prev == nil && r.Expiration != nil && r.Expiration.ExpiredObjectDeleteMarker != nil &&
				*r.Expiration.ExpiredObjectDeleteMarker && (r.Filter == nil || strings.HasPrefix(key, r.Filter.Prefix)) {
				id := s.versionID(head)
				changes = append(changes, change{key, func() { _, _ = s.deleteOne(b, key, id) }})
			}
			// Noncurrent versions: each became noncurrent when its
			// successor was written.
			newer := 0
			for succ, v := head, head.prev; v != nil; succ, v = v, v.prev {
				if v.deleteMarker() || !r.Filter.match(key, v.size) {
					continue
				}
				newer++
				if e := r.NoncurrentVersionExpiration; e != nil {
					keep := int32(0)
					if e.NewerNoncurrentVersions != nil {
						keep = *e.NewerNoncurrentVersions
					}
					if int32(newer) > keep && s.dueAt(succ.modified, *e.NoncurrentDays) <= now {
						id := s.versionID(v)
						changes = append(changes, change{key, func() { _, _ = s.deleteOne(b, key, id) }})
						continue
					}
				}
				for _, t := range r.NoncurrentVersionTransitions {
					cls, _ := parseClass(t.StorageClass)
					if cls != v.class && s.dueAt(succ.modified, *t.NoncurrentDays) <= now && transitionAllowed(v.class, cls) {
						vv := v
						changes = append(changes, change{key, func() { s.transition(b, vv, cls) }})
						break
					}
				}
			}
			return true
		})
		if a := r.AbortIncompleteMultipartUpload; a != nil {
			b.uploads.Ascend(func(u *upload) bool {
				if strings.HasPrefix(u.key, prefix) && s.dueAt(u.initiated, *a.DaysAfterInitiation) <= now {
					uu := u
					changes = append(changes, change{u.key, func() {
						if s.uploads[uu.id] == uu {
							s.dropUpload(b, uu)
						}
					}})
				}
				return true
			})
		}
	}
	// Changes are applied after the scans: the B-tree must not change
	// under an iteration.
	for _, c := range changes {
		c.fn()
	}
}

// transitionAllowed follows the lifecycle waterfall: Standard to
// anything, Standard-IA and Intelligent-Tiering onward to One Zone-IA or
// Glacier IR, One Zone-IA to Glacier IR.
func transitionAllowed(from, to classIdx) bool {
	rank := [numClasses]int{classStandard: 0, classStandardIA: 1, classIntelligentTiering: 1, classOnezoneIA: 2, classGlacierIR: 3}
	return rank[to] > rank[from]
}

// transition moves a version to another class in place: the old class's
// early-deletion charge applies, storage moves meters.
func (s *Service) transition(b *bucket, v *version, to classIdx) {
	if v.deleteMarker() || v.class == to || v.flags&flagDropped != 0 {
		return
	}
	from := v.class
	s.removeStorage(b, v)
	s.earlyDelete(b, v, from)
	if classes[from].singleZone != classes[to].singleZone {
		s.unplace(b, v)
		v.class = to
		v.group = 0
		v.flags |= flagRehomed
		_ = s.place(b, "", v)
	}
	v.class = to
	// The new class's minimum duration counts from the transition;
	// LastModified stays.
	if v.x == nil {
		v.x = &extra{}
	}
	v.x.classSince = s.env.Now()
	s.addStorage(b, v)
}
