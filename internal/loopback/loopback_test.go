package loopback

import "testing"

func TestHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"": false, "example.com": false, "localhost.example.com": false, "10.0.0.1": false, "[::1]": false,
	} {
		if got := Host(host); got != want {
			t.Errorf("Host(%q) = %t, want %t", host, got, want)
		}
	}
}

func TestControl(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{
		"127.0.0.1:80": true, "[::1]:443": true, "10.0.0.1:80": false, "localhost:80": false, "nonsense": false,
	} {
		if err := Control("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("Control(%q) = %v, want ok %t", addr, err, ok)
		}
	}
}
