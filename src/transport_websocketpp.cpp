// The websocketpp transport is compiled here so that no public header includes websocketpp.
