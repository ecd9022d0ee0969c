package iam

// The credential chain: AWS SDKs and Tools Reference Guide, "Standardized
// credential providers" and "Understand the credential provider chain"
// (order: environment, shared files, container, instance metadata).

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestChainOrderAndSources(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	env := svc.Env()
	file := "[default]\naws_access_key_id = " + alice.AccessKeyID + "\naws_secret_access_key = " + alice.SecretAccessKey + "\n\n[other]\naws_access_key_id=AKIAOTHER\naws_secret_access_key=x\n"
	laptop := &ProcessEnv{HomeDir: "/home/alice", Files: map[string]string{"/home/alice/.aws/credentials": file}}
	c, err := DefaultChain(env, laptop).Retrieve()
	if err != nil || c.AccessKeyID != alice.AccessKeyID || !strings.HasPrefix(c.Source, SourceShared) {
		t.Fatalf("laptop: %+v %v", c, err)
	}
	// Environment variables come before the file.
	laptop.Vars = map[string]string{"AWS_ACCESS_KEY_ID": root.AccessKeyID, "AWS_SECRET_ACCESS_KEY": root.SecretAccessKey}
	if c, _ := DefaultChain(env, laptop).Retrieve(); c.Source != SourceEnv || c.AccessKeyID != root.AccessKeyID {
		t.Errorf("env before file: %+v", c)
	}
	// AWS_PROFILE selects a section; a missing named profile is an error.
	laptop.Vars = map[string]string{"AWS_PROFILE": "other"}
	if c, _ := DefaultChain(env, laptop).Retrieve(); c.AccessKeyID != "AKIAOTHER" {
		t.Errorf("AWS_PROFILE=other: %+v", c)
	}
	laptop.Vars = map[string]string{"AWS_PROFILE": "nope"}
	if _, err := DefaultChain(env, laptop).Retrieve(); err == nil || !strings.Contains(err.Error(), "profile, nope") {
		t.Errorf("missing named profile: %v", err)
	}
	// Explicit credentials first.
	ch := NewChain(env, StaticProvider(alice), EnvProvider(laptop))
	if c, _ := ch.Retrieve(); c.Source != SourceStatic {
		t.Errorf("explicit: %+v", c)
	}
}

// TestWorksLocallyFailsOnEC2: the laptop has ~/.aws/credentials; the
// instance has none, and no instance profile either.
func TestWorksLocallyFailsOnEC2(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	file := "[default]\naws_access_key_id=" + alice.AccessKeyID + "\naws_secret_access_key=" + alice.SecretAccessKey + "\n"
	laptop := &ProcessEnv{HomeDir: "/home/alice", Files: map[string]string{"/home/alice/.aws/credentials": file}}
	instance := &ProcessEnv{HomeDir: "/home/ec2-user"}
	if _, err := DefaultChain(svc.Env(), laptop).Retrieve(); err != nil {
		t.Fatalf("laptop: %v", err)
	}
	_, err := DefaultChain(svc.Env(), instance).Retrieve()
	if !errors.Is(err, ErrCredentialsNotFound) {
		t.Fatalf("instance without profile: %v", err)
	}
	for _, want := range []string{"environment", "shared credentials file", "container", "instance metadata", "no EC2 IMDS role found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// Give the instance a profile: now it works, with role credentials.
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "App", AssumeRolePolicyDocument: ec2Trust}); err != nil {
		t.Fatal(err)
	}
	ip, _ := svc.CreateInstanceProfile(root, "App", "")
	mustDo(t, svc.AddRoleToInstanceProfile(root, "App", "App"))
	instance.InstanceMetadata = svc.InstanceMetadataSource(ip.ARN, "i-0abc")
	c, err := DefaultChain(svc.Env(), instance).Retrieve()
	if err != nil || c.Source != SourceIMDS || !strings.HasPrefix(c.AccessKeyID, "ASIA") {
		t.Fatalf("instance with profile: %+v %v", c, err)
	}
}

// TestChainRefreshesBeforeExpiry: the chain hands out cached credentials
// until ExpiryWindow before Expiration, then fetches new ones, so a
// long-running process never signs with expired credentials.
func TestChainRefreshesBeforeExpiry(t *testing.T) {
	svc, root := newTestService(t)
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "App", AssumeRolePolicyDocument: ec2Trust}); err != nil {
		t.Fatal(err)
	}
	ip, _ := svc.CreateInstanceProfile(root, "App", "")
	mustDo(t, svc.AddRoleToInstanceProfile(root, "App", "App"))
	env := svc.Env()
	ch := DefaultChain(env, &ProcessEnv{InstanceMetadata: svc.InstanceMetadataSource(ip.ARN, "i-0abc")})
	first, err := ch.Retrieve()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	// A call every 10 minutes for 24 hours.
	for i := 0; i < 24*6; i++ {
		env.RunFor(10 * time.Minute)
		c, err := ch.Retrieve()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(c); err != nil {
			t.Fatalf("at %v: chain handed out unusable credentials: %v", env.NowTime(), err)
		}
		if c.Expiration.Sub(env.NowTime()) < ch.ExpiryWindow {
			t.Fatalf("at %v: credentials expire in %v, inside the window", env.NowTime(), c.Expiration.Sub(env.NowTime()))
		}
		if len(keys) == 0 || keys[len(keys)-1] != c.AccessKeyID {
			keys = append(keys, c.AccessKeyID)
		}
	}
	// 6-hour credentials, rotated when under 15 minutes remain: about 4-5
	// distinct keys in a day, not one per call.
	if len(keys) < 4 || len(keys) > 6 || keys[0] != first.AccessKeyID {
		t.Errorf("distinct keys over 24h: %d (%v)", len(keys), keys)
	}
	if ch.Refreshes() != len(keys) {
		t.Errorf("refreshes %d, distinct keys %d", ch.Refreshes(), len(keys))
	}
	// Without refresh the first credentials are dead by now.
	if _, err := svc.Authenticate(first); !errors.Is(err, ErrExpiredToken) {
		t.Errorf("first credentials after 24h: %v", err)
	}
}

func TestParseINIErrors(t *testing.T) {
	pe := &ProcessEnv{HomeDir: "/h", Files: map[string]string{"/h/.aws/credentials": "aws_access_key_id=x\n"}}
	if _, err := SharedFileProvider(pe).Retrieve(); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("key outside a section: %v", err)
	}
	pe.Files["/h/.aws/credentials"] = "[default\n"
	if _, err := SharedFileProvider(pe).Retrieve(); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("unterminated header: %v", err)
	}
	pe.Vars = map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "/elsewhere"}
	if _, err := SharedFileProvider(pe).Retrieve(); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing file is not-found: %v", err)
	}
	pe.Vars = map[string]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"}
	if _, err := ContainerProvider(pe).Retrieve(); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("container variable set but endpoint unreachable must fail the chain: %v", err)
	}
}

func TestAssumeRoleProviderRefreshes(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	env := svc.Env()
	ch := NewChain(env, svc.AssumeRoleProvider(StaticProvider(alice), AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "batch", Duration: 15 * time.Minute}))
	seen := map[string]bool{}
	for i := 0; i < 12; i++ { // an hour, a call every 5 minutes
		c, err := ch.Retrieve()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(c); err != nil {
			t.Fatalf("at %v: %v", env.NowTime(), err)
		}
		seen[c.AccessKeyID] = true
		env.RunFor(5 * time.Minute)
	}
	// 15-minute sessions refreshed 5 minutes early: a new one every 10 minutes.
	if len(seen) != 6 {
		t.Errorf("distinct sessions in an hour: %d, want 6", len(seen))
	}
	// A source that cannot assume the role fails the chain with AccessDenied.
	bad := NewChain(env, svc.AssumeRoleProvider(StaticProvider(root), AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "root"}))
	if _, err := bad.Retrieve(); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("root source: %v", err)
	}
}
