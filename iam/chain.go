package iam

// The credential chain as the AWS SDKs resolve it ("Standardized
// credential providers" in the AWS SDKs and Tools Reference Guide):
// explicit credentials, then environment variables, the shared credentials
// file, the container credentials endpoint (ECS, EKS Pod Identity) and the
// EC2 instance metadata service. A simulated process describes what it has
// with a ProcessEnv; a laptop has ~/.aws/credentials, an EC2 instance has
// instance metadata and nothing else, so "works locally, fails on EC2" is
// reproducible.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// Source names, as aws-sdk-go-v2 sets aws.Credentials.Source.
const (
	SourceStatic    = "StaticCredentials"
	SourceEnv       = "EnvConfigCredentials"
	SourceShared    = "SharedConfigCredentials"
	SourceContainer = "CredentialsEndpointProvider"
	SourceIMDS      = "EC2RoleProvider"
)

// ProcessEnv is what a simulated process can find credentials in. Every
// field is optional; a missing one is a source the process lacks.
type ProcessEnv struct {
	// Vars are environment variables (AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE,
	// AWS_SHARED_CREDENTIALS_FILE, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
	// AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_EC2_METADATA_DISABLED).
	Vars map[string]string
	// Files maps paths to contents; the shared credentials file is
	// HomeDir+"/.aws/credentials" unless AWS_SHARED_CREDENTIALS_FILE says
	// otherwise.
	Files   map[string]string
	HomeDir string
	// Container serves the container credentials endpoint; it is consulted
	// only when one of the AWS_CONTAINER_CREDENTIALS_* variables is set.
	Container func() (Credentials, error)
	// InstanceMetadata serves the role credentials of the instance the
	// process runs on; nil off EC2 (see Service.InstanceMetadataSource).
	InstanceMetadata func() (Credentials, error)
}

// Provider is one source of credentials.
type Provider interface {
	// Name is the source name reported in errors.
	Name() string
	// Retrieve returns credentials, an error wrapping ErrNotFound when the
	// source is absent (the chain moves on), or another error (the chain
	// stops, as the SDK does for a source that is present but broken).
	Retrieve() (Credentials, error)
}

// ErrNotFound marks a provider that has nothing to offer.
var ErrNotFound = errors.New("no credentials in this source")

type notFound struct {
	why string
}

func (n notFound) Error() string { return n.why }
func (n notFound) Unwrap() error { return ErrNotFound }

type providerFunc struct {
	name string
	fn   func() (Credentials, error)
}

func (p providerFunc) Name() string                   { return p.name }
func (p providerFunc) Retrieve() (Credentials, error) { return p.fn() }

// StaticProvider returns explicit credentials (passed in code).
func StaticProvider(c Credentials) Provider {
	return providerFunc{"explicit", func() (Credentials, error) {
		if !c.HasKeys() {
			return Credentials{}, notFound{"explicit credentials are empty"}
		}
		c.Source = SourceStatic
		return c, nil
	}}
}

// EnvProvider reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN.
func EnvProvider(pe *ProcessEnv) Provider {
	return providerFunc{"environment", func() (Credentials, error) {
		id, secret := pe.Vars["AWS_ACCESS_KEY_ID"], pe.Vars["AWS_SECRET_ACCESS_KEY"]
		if id == "" || secret == "" {
			return Credentials{}, notFound{"AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY not set"}
		}
		return Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: pe.Vars["AWS_SESSION_TOKEN"], Source: SourceEnv}, nil
	}}
}

// SharedFileProvider reads the profile AWS_PROFILE (or "default") from the
// shared credentials file.
func SharedFileProvider(pe *ProcessEnv) Provider {
	return providerFunc{"shared credentials file", func() (Credentials, error) {
		path := pe.Vars["AWS_SHARED_CREDENTIALS_FILE"]
		if path == "" {
			path = pe.HomeDir + "/.aws/credentials"
		}
		content, ok := pe.Files[path]
		if !ok {
			return Credentials{}, notFound{path + " does not exist"}
		}
		profile, explicit := pe.Vars["AWS_PROFILE"], true
		if profile == "" {
			profile, explicit = "default", false
		}
		sections, err := parseINI(content)
		if err != nil {
			return Credentials{}, fmt.Errorf("failed to load shared credentials file %s: %v", path, err)
		}
		sec, ok := sections[profile]
		if !ok {
			if explicit {
				return Credentials{}, fmt.Errorf("failed to get shared config profile, %s", profile)
			}
			return Credentials{}, notFound{fmt.Sprintf("%s has no [%s] profile", path, profile)}
		}
		id, secret := sec["aws_access_key_id"], sec["aws_secret_access_key"]
		if id == "" || secret == "" {
			return Credentials{}, fmt.Errorf("profile %s in %s lacks aws_access_key_id or aws_secret_access_key", profile, path)
		}
		return Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: sec["aws_session_token"],
			Source: SourceShared + ": " + path}, nil
	}}
}

// parseINI parses the shared credentials format: [section] headers and
// key = value lines; # and ; start comments.
func parseINI(s string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	var cur map[string]string
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("line %d: unterminated section header %q", n+1, line)
			}
			name := strings.TrimSpace(line[1 : len(line)-1])
			cur = map[string]string{}
			out[name] = cur
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || cur == nil {
			return nil, fmt.Errorf("line %d: expected key = value inside a [section], got %q", n+1, line)
		}
		cur[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out, nil
}

// ContainerProvider asks the container credentials endpoint, if the
// process has one configured.
func ContainerProvider(pe *ProcessEnv) Provider {
	return providerFunc{"container", func() (Credentials, error) {
		if pe.Vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] == "" && pe.Vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == "" {
			return Credentials{}, notFound{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set"}
		}
		if pe.Container == nil {
			return Credentials{}, errors.New("container credentials endpoint unreachable")
		}
		c, err := pe.Container()
		if err != nil {
			return Credentials{}, err
		}
		c.Source = SourceContainer
		return c, nil
	}}
}

// IMDSProvider asks the instance metadata service.
func IMDSProvider(pe *ProcessEnv) Provider {
	return providerFunc{"instance metadata", func() (Credentials, error) {
		if strings.EqualFold(pe.Vars["AWS_EC2_METADATA_DISABLED"], "true") {
			return Credentials{}, notFound{"AWS_EC2_METADATA_DISABLED=true"}
		}
		if pe.InstanceMetadata == nil {
			return Credentials{}, notFound{"no EC2 IMDS role found (not running on an EC2 instance with an instance profile)"}
		}
		c, err := pe.InstanceMetadata()
		if err != nil {
			if errors.Is(err, ErrNoSuchEntity) {
				return Credentials{}, notFound{"no EC2 IMDS role found: " + err.Error()}
			}
			return Credentials{}, err
		}
		c.Source = SourceIMDS
		return c, nil
	}}
}

// Chain resolves credentials from its providers in order and caches them
// until ExpiryWindow before their Expiration, then resolves again (the
// SDK's CredentialsCache). Long-term credentials are cached for good.
type Chain struct {
	Providers []Provider
	// ExpiryWindow: refresh this long before Expiration, so no request is
	// signed with credentials about to expire. Default 5 minutes.
	ExpiryWindow time.Duration

	clock     sim.Clock
	cached    Credentials
	have      bool
	refreshes int
}

// NewChain returns a chain over providers, reading time from clock.
func NewChain(clock sim.Clock, providers ...Provider) *Chain {
	return &Chain{Providers: providers, ExpiryWindow: 5 * time.Minute, clock: clock}
}

// DefaultChain is the SDK's default order: environment, shared
// credentials file, container endpoint, instance metadata. Put
// StaticProvider first (NewChain) for explicit credentials.
func DefaultChain(clock sim.Clock, pe *ProcessEnv) *Chain {
	if pe == nil {
		pe = &ProcessEnv{}
	}
	return NewChain(clock, EnvProvider(pe), SharedFileProvider(pe), ContainerProvider(pe), IMDSProvider(pe))
}

// Retrieve returns cached credentials, or resolves them when there are none
// or they are within ExpiryWindow of expiring. When no provider has any, the
// error (NoCredentialProviders) lists why each was skipped.
func (c *Chain) Retrieve() (Credentials, error) {
	now := c.clock.TimeOf(c.clock.Now())
	if c.have && !c.cached.Expired(now.Add(c.ExpiryWindow)) {
		return c.cached, nil
	}
	var why []string
	for _, p := range c.Providers {
		cr, err := p.Retrieve()
		if err == nil {
			c.cached, c.have = cr, true
			c.refreshes++
			return cr, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Credentials{}, fmt.Errorf("%s: %w", p.Name(), err)
		}
		why = append(why, p.Name()+": "+err.Error())
	}
	return Credentials{}, awserr.New("NoCredentialProviders", 400, false,
		"failed to retrieve credentials: no valid providers in chain (%s)", strings.Join(why, "; "))
}

// Refreshes counts successful resolutions (the first one included).
func (c *Chain) Refreshes() int { return c.refreshes }

// Invalidate drops the cached credentials.
func (c *Chain) Invalidate() { c.have = false }

// InstanceMetadataSource returns what the metadata service of an instance
// launched with profileARN serves: role credentials, rotated when less than
// 15 minutes remain (the service renews them well before expiry, so a
// client refreshing 5 minutes early always gets fresh ones). ec2 plugs it
// into ProcessEnv.InstanceMetadata.
func (s *Service) InstanceMetadataSource(profileARN ARN, instanceID string) func() (Credentials, error) {
	var cur Credentials
	return func() (Credentials, error) {
		now := s.env.NowTime()
		if cur.HasKeys() && now.Before(cur.Expiration.Add(-15*time.Minute)) {
			return cur, nil
		}
		c, err := s.InstanceProfileCredentials(profileARN, instanceID)
		if err != nil {
			return Credentials{}, err
		}
		cur = c
		return c, nil
	}
}

// AssumeRoleProvider assumes a role with the credentials another provider
// gives (the SDK's stscreds.AssumeRoleProvider, and what a profile with
// role_arn and source_profile does). Each Retrieve makes a fresh
// AssumeRole call; put it in a Chain so the session is reused until it
// nears expiry.
func (s *Service) AssumeRoleProvider(source Provider, in AssumeRoleInput) Provider {
	return providerFunc{"assume role " + in.RoleArn.String(), func() (Credentials, error) {
		base, err := source.Retrieve()
		if err != nil {
			return Credentials{}, err
		}
		out, err := s.AssumeRole(base, in)
		if err != nil {
			return Credentials{}, err
		}
		return out.Credentials, nil
	}}
}
