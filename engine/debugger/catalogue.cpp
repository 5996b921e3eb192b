#include "catalogue.h"

#include <algorithm>
#include <iterator>

namespace Maskline::Catalogue {

namespace {

// Generated from shared/reference/proxy-error-codes.json (Twilio's error catalogue, 80000-80999).
// Sorted by code. 20429 is not a Proxy code, but the engine records its rate-limit refusals as debugger events too.
const Entry ENTRIES[] = {
    {20429, true, u"Too Many Requests"},
    {80101, true, u"Number Already Added to Another Service"},
    {80102, false, u"Participant Already In Interaction"},
    {80103, true, u"Participant Already In Session"},
    {80104, false, u"Phone Number Already In Service"},
    {80105, false, u"Short Code Already In Service"},
    {80201, false, u"No Available Voice Proxy"},
    {80202, false, u"No Available Message Proxy"},
    {80203, true, u"No Available Proxy For Country"},
    {80205, false, u"No Proxies For Service"},
    {80206, false, u"No Available Proxy"},
    {80207, true, u"No unreserved numbers in proxy pool."},
    {80208, true, u"No Available Unused Proxy"},
    {80301, true, u"Not Found Phone Number SID"},
    {80303, false, u"Not Found Short Code Sid"},
    {80304, false, u"Not Found Unmanaged Identifier"},
    {80305, true, u"Not Found Unmanaged Identifier Sid"},
    {80306, true, u"Not Found Chat Service"},
    {80307, false, u"Record to be updated was not found in database."},
    {80308, true, u"Session with the unique name not found."},
    {80401, false, u"Account Sid Invalid"},
    {80402, false, u"Identifier Proxy Pair Invalid"},
    {80403, false, u"Interaction Sid Invalid"},
    {80404, true, u"Participant Identifier Invalid"},
    {80405, false, u"Participant Sid Invalid"},
    {80406, false, u"Phone Number Did Invalid"},
    {80407, false, u"Phone Number Sid Invalid"},
    {80408, false, u"Service Sid Invalid"},
    {80409, false, u"Session Sid Invalid"},
    {80501, true, u"Storage Operation Failed"},
    {80502, true, u"Internal Server Error from Downstream"},
    {80503, false, u"No Records Updated"},
    {80504, true, u"An internal server error has occurred."},
    {80505, true, u"Flex Configuration Error"},
    {80506, true, u"Service Creation is restricted for new customers"},
    {80601, false, u"Phone Number Not Available"},
    {80602, false, u"Non Unique Service Name"},
    {80603, true, u"Non Unique Session Name"},
    {80604, false, u"Proxy Identifier In Use"},
    {80605, false, u"Proxy Identifier Not In Service"},
    {80606, false, u"Proxy Identifier Not Owned By Account"},
    {80607, false, u"Session Closed"},
    {80608, true, u"Session Status Invalid"},
    {80609, false, u"Too Many Added Participants"},
    {80610, false, u"Unauthorized Operation"},
    {80611, true, u"Proxy Number In Active Sessions"},
    {80612, true, u"Duplicate Entry"},
    {80613, true, u"Downstream Request Rejected"},
    {80614, false, u"No Partner Participant Found"},
    {80615, true, u"Account Sid on Legal Hold"},
    {80616, true, u"Unsupported Identifier Type For Session Mode"},
    {80617, true, u"Flex Configuration Error"},
    {80618, true, u"Chat Integration Error"},
    {80619, true, u"Chat Channel Attribute Error"},
    {80620, true, u"Chat Configured Proxy Identifier Not Found"},
    {80622, true, u"Maximum Pool Size Error"},
    {80623, true, u"Duplicate Participant Request"},
    {80624, false, u"Approaching Maximium Number Pool Size"},
    {80701, false, u"Parameter Validation Failed"},
    {80801, true, u"Invalid attempt to Re-Open a Session"},
    {80802, true, u"Simultaneous requests to create the same Identifier in one or more Sessions"},
    {80901, false, u"Message Matched Stop Word"},
    {80902, true, u"No Active Session"},
    {80903, false, u"Unknown Participant"},
    {80904, false, u"Expired Proxy Session"},
    {80905, false, u"Unknown Scenario"},
    {80906, false, u"Interaction Not Open"},
    {80907, false, u"Open Interaction Not Found"},
    {80908, false, u"Callback Error"},
    {80909, false, u"Inbound Contact Rejected"},
    {80910, false, u"Message To Voice Only Session Rejected"},
    {80911, false, u"Call To Message Only Session Rejected"},
    {80913, true, u"Out-Of-Session Callback Error"},
};

} // namespace

const Entry *find(int code)
{
    const auto it = std::lower_bound(std::begin(ENTRIES), std::end(ENTRIES), code,
                                     [](const Entry &e, int c) { return e.code < c; });
    return (it != std::end(ENTRIES) && it->code == code) ? it : nullptr;
}

} // namespace Maskline::Catalogue
