package ec2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/jsonw"
	"github.com/nimbus-sim/nimbus/sim"
)

// The instance metadata service (IMDS) at 169.254.169.254, reachable only
// from processes running on the instance. Paths are those of
// /latest/meta-data/ (the prefix is optional).

// ErrMetadataNotFound is the IMDS's HTTP 404: the item does not exist (yet),
// as spot/instance-action before a notice.
var ErrMetadataNotFound = errors.New("ec2 imds: 404 Not Found")

// ErrIMDSUnreachable is returned to a caller that does not run on an
// instance: 169.254.169.254 is link-local to the instance.
var ErrIMDSUnreachable = errors.New("ec2 imds: 169.254.169.254 unreachable: caller does not run on an EC2 instance")

// DefaultIMDSLatency is the time one metadata read takes (sub-millisecond
// on Nitro; an assumption).
const DefaultIMDSLatency = 500 * time.Microsecond

// CredentialRefreshMargin is how long before expiry the IMDS rotates an
// instance profile's credentials (AWS: at least five minutes before).
const CredentialRefreshMargin = 5 * time.Minute

// GetMetadata reads a metadata item from the instance ctx runs on; ctx must
// be a *sim.Proc started with Machine.Go. The read takes the IMDS latency
// of virtual time.
func GetMetadata(ctx context.Context, path string) (string, error) {
	p, ok := ctx.(*sim.Proc)
	if !ok {
		return "", ErrIMDSUnreachable
	}
	m, ok := MachineOf(p)
	if !ok {
		return "", ErrIMDSUnreachable
	}
	if d := m.svc.opts.IMDSLatency; d > 0 {
		if err := p.Sleep(d); err != nil {
			return "", err
		}
	}
	if m.state != InstanceStateRunning {
		return "", ErrIMDSUnreachable
	}
	// IMDSv1 (no token): refused when the endpoint is off or tokens are
	// required (see imdsv2.go).
	switch {
	case m.imds.disabled:
		return "", ErrMetadataForbidden
	case m.imds.required:
		return "", ErrMetadataUnauthorized
	}
	return m.metadata(path)
}

// notFoundError is the 404 for one path. It formats its message only when
// asked: a process polling spot/instance-action every 5 s gets thousands
// of 404s per simulated day.
type notFoundError struct{ path string }

func (e *notFoundError) Error() string { return ErrMetadataNotFound.Error() + ": " + e.path }

func (e *notFoundError) Unwrap() error { return ErrMetadataNotFound }

// Is answers errors.Is(err, ErrMetadataNotFound) at its first step: a
// poll of spot/instance-action asks it every few seconds of simulated
// time, and the way through Unwrap costs a failed interface assertion and
// a second round.
func (e *notFoundError) Is(target error) bool { return target == ErrMetadataNotFound }

func notFound(path string) error { return &notFoundError{path} }

// The 404s of the fixed paths, built once: a poll of an item that is not
// there yet (spot/instance-action before a notice) then costs no
// allocation. They are never modified.
var (
	errNoPublicIPv4      error = &notFoundError{"public-ipv4"}
	errNoInstanceAction  error = &notFoundError{"spot/instance-action"}
	errNoTerminationTime error = &notFoundError{"spot/termination-time"}
	errNoRebalance       error = &notFoundError{"events/recommendations/rebalance"}
	errNoIAMInfo         error = &notFoundError{"iam/info"}
)

func (m *Machine) metadata(path string) (string, error) {
	path = strings.TrimPrefix(path, "/")
	path = strings.TrimPrefix(path, "latest/meta-data/")
	s := m.svc
	switch path {
	case "", "/":
		return strings.Join([]string{"ami-id", "events/", "iam/", "instance-id", "instance-life-cycle", "instance-type",
			"local-ipv4", "placement/", "public-ipv4", "spot/"}, "\n"), nil
	case "instance-id":
		return m.id, nil
	case "instance-type":
		return string(m.itype.InstanceType), nil
	case "ami-id":
		return m.image.ImageId, nil
	case "local-ipv4":
		return m.privateIP.String(), nil
	case "public-ipv4":
		if !m.publicIP.IsValid() {
			return "", errNoPublicIPv4
		}
		return m.publicIP.String(), nil
	case "instance-life-cycle":
		if m.spot != nil {
			return "spot", nil
		}
		return "on-demand", nil
	case "placement/availability-zone":
		return m.azName, nil
	case "placement/availability-zone-id":
		return m.azID, nil
	case "placement/region":
		return m.region, nil
	case "spot/instance-action":
		if m.spot == nil || m.spot.action == nil {
			return "", errNoInstanceAction
		}
		return m.spot.actionBody, nil
	case "spot/termination-time":
		// The legacy item next to instance-action: the interruption time
		// alone, present only for terminations:
		// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
		if m.spot == nil || m.spot.action == nil || m.spot.action.Action != "terminate" {
			return "", errNoTerminationTime
		}
		return m.spot.action.Time.UTC().Format("2006-01-02T15:04:05Z"), nil
	case "events/recommendations/rebalance":
		if m.spot == nil {
			return "", errNoRebalance
		}
		at, ok := m.spot.rebalanceAt()
		if !ok {
			return "", errNoRebalance
		}
		return fmt.Sprintf(`{"noticeTime":"%s"}`, at.UTC().Format("2006-01-02T15:04:05Z")), nil
	case "iam/security-credentials", "iam/security-credentials/":
		if m.profile == nil {
			return "", notFound(path)
		}
		return m.roleName(), nil
	case "iam/info":
		if m.profile == nil {
			return "", errNoIAMInfo
		}
		b, _ := json.Marshal(map[string]string{"Code": "Success",
			"LastUpdated":        s.env.NowTime().UTC().Format(time.RFC3339),
			"InstanceProfileArn": m.profile.arn, "InstanceProfileId": m.profile.id})
		return string(b), nil
	}
	if role, ok := strings.CutPrefix(path, "iam/security-credentials/"); ok {
		if m.profile == nil || role != m.roleName() {
			return "", notFound(path)
		}
		return m.instanceCredentials()
	}
	return "", notFound(path)
}

// credsDocument renders credentials fetched at fetched as
// iam/security-credentials/<role> serves them. It appends the fields in a
// stack buffer rather than through encoding/json's reflection, which cost
// more than the rest of a credential fetch, so that the document is its
// one allocation; the bytes are json.Marshal's of the same fields
// (TestCredentialsDocumentIsJSONMarshal holds them to it).
func credsDocument(c iam.Credentials, fetched time.Time) string {
	var buf [640]byte // an STS session's document is ~540 bytes
	b := append(buf[:0], `{"Code":"Success","LastUpdated":"`...)
	b = fetched.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","Type":"AWS-HMAC","AccessKeyId":`...)
	b = jsonw.Append(b, c.AccessKeyID)
	b = append(b, `,"SecretAccessKey":`...)
	b = jsonw.Append(b, c.SecretAccessKey)
	b = append(b, `,"Token":`...)
	b = jsonw.Append(b, c.SessionToken)
	b = append(b, `,"Expiration":"`...)
	b = c.Expiration.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `"}`...)
	return string(b)
}
