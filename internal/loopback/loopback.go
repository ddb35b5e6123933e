// Package loopback tells loopback hosts and addresses apart from the
// others: the client sends its key over plain http only to them, and the
// fake server accepts http webhook URLs and delivers only to them.
package loopback

import (
	"fmt"
	"net"
	"strings"
	"syscall"
)

// Host reports whether host (a URL's host name, without port) is
// "localhost", in any case, or a loopback IP address.
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Control is a net.Dialer Control function that refuses to connect to an
// address that is not a loopback IP, whatever a host name resolved to.
func Control(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to connect to %s: not a loopback address", address)
	}
	return nil
}
