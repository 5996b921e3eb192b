<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
    <context>
        <name>Format</name>
        <message>
            <source>expired</source>
            <translation>abgelaufen</translation>
        </message>
        <message>
            <source>in %1</source>
            <translation>in %1</translation>
        </message>
    </context>
    <context>
        <name>Maskline::AccountSettingsDialog</name>
        <message>
            <source>Account settings</source>
            <translation>Kontoeinstellungen</translation>
        </message>
        <message>
            <source>&amp;Allow participant conflicts (allow_participant_conflict)</source>
            <translation>Teilnehmerkonflikte &amp;zulassen (allow_participant_conflict)</translation>
        </message>
        <message>
            <source>&amp;Respect the SMS STOP filter setting (respect_sms_stop_filter)</source>
            <translation>SMS-STOP-Filtereinstellung &amp;beachten (respect_sms_stop_filter)</translation>
        </message>
        <message>
            <source>SMS STOP &amp;filtering on (sms_stop_filtering)</source>
            <translation>SMS-STOP-&amp;Filterung an (sms_stop_filtering)</translation>
        </message>
        <message>
            <source>Reading the account…</source>
            <translation>Konto wird gelesen …</translation>
        </message>
        <message>
            <source>On: adding a participant whose number is already active on the same proxy number in another session, or re-opening such a session, succeeds with a debugger warning (80802, 80801), and that pair's traffic moves to the newer session. Add participant's FailOnParticipantConflict box refuses it instead (80623, or 80604 on re-open) for that one request.</source>
            <translation>An: Einen Teilnehmer hinzuzufügen, dessen Nummer auf derselben Proxy-Nummer schon in einer anderen Sitzung aktiv ist, oder eine solche Sitzung wieder zu öffnen, gelingt mit einer Debugger-Warnung (80802, 80801); der Verkehr dieses Paares geht dann an die neuere Sitzung. Das Kästchen FailOnParticipantConflict unter „Teilnehmer hinzufügen“ lehnt es stattdessen für diese eine Anfrage ab (80623, beim Wiederöffnen 80604).</translation>
        </message>
        <message>
            <source>Off (Twilio's default): such a conflict is always refused — 80623 when adding the participant, 80604 when re-opening a session. Add participant's FailOnParticipantConflict box changes nothing under this setting.</source>
            <translation>Aus (Twilios Voreinstellung): Ein solcher Konflikt wird immer abgelehnt — 80623 beim Hinzufügen des Teilnehmers, 80604 beim Wiederöffnen einer Sitzung. Das Kästchen FailOnParticipantConflict unter „Teilnehmer hinzufügen“ ändert bei dieser Einstellung nichts.</translation>
        </message>
        <message>
            <source>Off: STOP and the other opt-out keywords are always dropped (80901, never forwarded to the other participant); UNSTOP is dropped too.</source>
            <translation>Aus: STOP und die anderen Abmelde-Schlüsselwörter werden immer verworfen (80901, nie an den anderen Teilnehmer weitergeleitet); UNSTOP ebenfalls.</translation>
        </message>
        <message>
            <source>On, filtering on: every STOP/START/HELP keyword message is dropped (80901).</source>
            <translation>An, Filterung an: Jede Nachricht mit einem Schlüsselwort STOP/START/HELP wird verworfen (80901).</translation>
        </message>
        <message>
            <source>On, filtering off: keyword messages, STOP included, are forwarded like any other text.</source>
            <translation>An, Filterung aus: Nachrichten mit Schlüsselwörtern, auch STOP, werden wie jeder andere Text weitergeleitet.</translation>
        </message>
    </context>
    <context>
        <name>Maskline::AddParticipantDialog</name>
        <message>
            <source>Add participant</source>
            <translation>Teilnehmer hinzufügen</translation>
        </message>
        <message>
            <source>the participant's own number, e.g. +14155550100</source>
            <translation>die eigene Nummer des Teilnehmers, z. B. +14155550100</translation>
        </message>
        <message>
            <source>optional</source>
            <translation>optional</translation>
        </message>
        <message>
            <source>&amp;Identifier:</source>
            <translation>&amp;Kennung:</translation>
        </message>
        <message>
            <source>&amp;Friendly name:</source>
            <translation>Anzeige&amp;name:</translation>
        </message>
        <message>
            <source>Pick a proxy number &amp;automatically (the Service's number selection)</source>
            <translation>Proxy-Nummer &amp;automatisch wählen (Nummernauswahl des Dienstes)</translation>
        </message>
        <message>
            <source>Use &amp;this proxy number:</source>
            <translation>&amp;Diese Proxy-Nummer verwenden:</translation>
        </message>
        <message>
            <source>Refuse if this identifier is already active on that number elsewhere (FailOnParticipantConflict)</source>
            <translation>Ablehnen, wenn diese Kennung auf dieser Nummer schon anderswo aktiv ist (FailOnParticipantConflict)</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>Hinzufügen</translation>
        </message>
        <message>
            <source>Choose a proxy number from the pool, or let Maskline pick one.</source>
            <translation>Wählen Sie eine Proxy-Nummer aus dem Pool oder lassen Sie Maskline eine wählen.</translation>
        </message>
        <message>
            <source>Adding…</source>
            <translation>Wird hinzugefügt …</translation>
        </message>
    </context>
    <context>
        <name>Maskline::CredentialsDialog</name>
        <message>
            <source>Credentials</source>
            <translation>Zugangsdaten</translation>
        </message>
        <message>
            <source>Point a Twilio helper library at Maskline with these credentials and set &lt;code&gt;client.proxy.baseUrl = '%1'&lt;/code&gt;.</source>
            <translation>Richten Sie eine Twilio-Hilfsbibliothek mit diesen Zugangsdaten auf Maskline aus und setzen Sie &lt;code&gt;client.proxy.baseUrl = '%1'&lt;/code&gt;.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Kopieren</translation>
        </message>
        <message>
            <source>Account SID:</source>
            <translation>Konto-SID:</translation>
        </message>
        <message>
            <source>Auth token:</source>
            <translation>Auth-Token:</translation>
        </message>
        <message>
            <source>API base URL:</source>
            <translation>API-Basis-URL:</translation>
        </message>
    </context>
    <context>
        <name>Maskline::DebuggerDetails</name>
        <message>
            <source>proxy number — who holds it</source>
            <translation>Proxy-Nummer — wer sie hält</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>Dienst</translation>
        </message>
        <message>
            <source>Session</source>
            <translation>Sitzung</translation>
        </message>
        <message>
            <source>Participant</source>
            <translation>Teilnehmer</translation>
        </message>
        <message>
            <source>Interaction</source>
            <translation>Interaktion</translation>
        </message>
        <message>
            <source>Resource</source>
            <translation>Ressource</translation>
        </message>
        <message>
            <source>Event</source>
            <translation>Ereignis</translation>
        </message>
        <message>
            <source>Request</source>
            <translation>Anfrage</translation>
        </message>
        <message>
            <source>(none recorded)</source>
            <translation>(nichts aufgezeichnet)</translation>
        </message>
        <message>
            <source>Response</source>
            <translation>Antwort</translation>
        </message>
    </context>
    <context>
        <name>Maskline::DebuggerLogModel</name>
        <message>
            <source>Time</source>
            <translation>Zeit</translation>
        </message>
        <message>
            <source>Level</source>
            <translation>Stufe</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>Code</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Meldung</translation>
        </message>
        <message>
            <source>Resource SID</source>
            <translation>Ressourcen-SID</translation>
        </message>
        <message>
            <source>Session</source>
            <translation>Sitzung</translation>
        </message>
        <message>
            <source>%1 %2 — %3
%4

</source>
            <translation>%1 %2 — %3
%4

</translation>
        </message>
        <message>
            <source>Event</source>
            <translation>Ereignis</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>Dienst</translation>
        </message>
        <message>
            <source>Participant</source>
            <translation>Teilnehmer</translation>
        </message>
        <message>
            <source>Interaction</source>
            <translation>Interaktion</translation>
        </message>
        <message>
            <source>Resource</source>
            <translation>Ressource</translation>
        </message>
        <message>
            <source>Request</source>
            <translation>Anfrage</translation>
        </message>
        <message>
            <source>(none recorded)</source>
            <translation>(nichts aufgezeichnet)</translation>
        </message>
        <message>
            <source>Response</source>
            <translation>Antwort</translation>
        </message>
    </context>
    <context>
        <name>Maskline::DebuggerPane</name>
        <message>
            <source>Errors</source>
            <translation>Fehler</translation>
        </message>
        <message>
            <source>Warnings</source>
            <translation>Warnungen</translation>
        </message>
        <message>
            <source>Other</source>
            <translation>Sonstige</translation>
        </message>
        <message>
            <source>any code</source>
            <translation>jeder Code</translation>
        </message>
        <message>
            <source>code </source>
            <translation>Code </translation>
        </message>
        <message>
            <source>SID (service, session, participant, …)</source>
            <translation>SID (Dienst, Sitzung, Teilnehmer, …)</translation>
        </message>
        <message>
            <source>Text in the message</source>
            <translation>Text in der Meldung</translation>
        </message>
        <message>
            <source>Between</source>
            <translation>Zwischen</translation>
        </message>
        <message>
            <source>Debugger events</source>
            <translation>Debugger-Ereignisse</translation>
        </message>
        <message>
            <source>Event details</source>
            <translation>Ereignisdetails</translation>
        </message>
        <message>
            <source>Select an event to see its SIDs, request and response.</source>
            <translation>Wählen Sie ein Ereignis, um seine SIDs, Anfrage und Antwort zu sehen.</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Kopieren</translation>
        </message>
        <message>
            <source>&amp;Export CSV…</source>
            <translation>CSV &amp;exportieren …</translation>
        </message>
        <message>
            <source>Follow &amp;tail</source>
            <translation>Neuesten &amp;folgen</translation>
        </message>
        <message numerus="yes">
            <source>%n event(s)</source>
            <translation>
                <numerusform>%n Ereignis</numerusform>
                <numerusform>%n Ereignisse</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n event(s) match the filters</source>
            <translation>
                <numerusform>%n Ereignis passt zu den Filtern</numerusform>
                <numerusform>%n Ereignisse passen zu den Filtern</numerusform>
            </translation>
        </message>
        <message>
            <source> · following new events</source>
            <translation> · neue Ereignisse werden verfolgt</translation>
        </message>
        <message>
            <source> · paused while you read (scroll down to follow)</source>
            <translation> · angehalten, während Sie lesen (zum Folgen nach unten scrollen)</translation>
        </message>
        <message>
            <source>Export debugger events</source>
            <translation>Debugger-Ereignisse exportieren</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>CSV-Dateien (*.csv)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>Export fehlgeschlagen</translation>
        </message>
        <message>
            <source>Cannot write %1: %2</source>
            <translation>%1 kann nicht geschrieben werden: %2</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Kopieren</translation>
        </message>
        <message>
            <source>Copy SID %1</source>
            <translation>SID %1 kopieren</translation>
        </message>
        <message>
            <source>Only events about %1</source>
            <translation>Nur Ereignisse zu %1</translation>
        </message>
        <message>
            <source>Open session %1</source>
            <translation>Sitzung %1 öffnen</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>CSV exportieren …</translation>
        </message>
    </context>
    <context>
        <name>Maskline::EditSessionDialog</name>
        <message>
            <source>Session TTL and expiry</source>
            <translation>TTL und Ablauf der Sitzung</translation>
        </message>
        <message>
            <source>A session closes by itself when its TTL passes without an interaction, or at its expiry date, whichever comes first.</source>
            <translation>Eine Sitzung schließt sich selbst, wenn ihre TTL ohne Interaktion verstreicht oder ihr Ablaufdatum erreicht ist — je nachdem, was zuerst eintritt.</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source> s</source>
            <translation> s</translation>
        </message>
        <message>
            <source>none (no TTL)</source>
            <translation>keine (ohne TTL)</translation>
        </message>
        <message>
            <source>Session:</source>
            <translation>Sitzung:</translation>
        </message>
        <message>
            <source>&amp;TTL:</source>
            <translation>&amp;TTL:</translation>
        </message>
        <message>
            <source>&amp;Expiry:</source>
            <translation>&amp;Ablauf:</translation>
        </message>
        <message>
            <source>The expiry is in the past: the session would close at once.</source>
            <translation>Der Ablauf liegt in der Vergangenheit: Die Sitzung würde sofort geschlossen.</translation>
        </message>
    </context>
    <context>
        <name>Maskline::EngineSimulator</name>
        <message>
            <source>The engine is not running.</source>
            <translation>Die Engine läuft nicht.</translation>
        </message>
        <message>
            <source>The carrier is %1, not the simulator: injected traffic is refused so it never reaches real phones.</source>
            <translation>Der Netzbetreiber ist %1, nicht der Simulator: Eingespeister Verkehr wird abgelehnt, damit er nie echte Telefone erreicht.</translation>
        </message>
    </context>
    <context>
        <name>Maskline::ExpiryEdit</name>
        <message>
            <source>Closes at</source>
            <translation>Schließt am</translation>
        </message>
        <message>
            <source>Date expiry</source>
            <translation>Ablaufdatum</translation>
        </message>
    </context>
    <context>
        <name>Maskline::ImportNumbersDialog</name>
        <message>
            <source>Import numbers</source>
            <translation>Nummern importieren</translation>
        </message>
        <message>
            <source>Paste numbers in E.164 form (one per line, or separated by commas), or open a CSV file whose first column — or a column named phone_number — holds them.</source>
            <translation>Fügen Sie Nummern im E.164-Format ein (eine pro Zeile oder durch Kommas getrennt) oder öffnen Sie eine CSV-Datei, deren erste Spalte — oder eine Spalte namens phone_number — sie enthält.</translation>
        </message>
        <message>
            <source>Add them as reserved</source>
            <translation>Als reserviert hinzufügen</translation>
        </message>
        <message>
            <source>Open CSV…</source>
            <translation>CSV öffnen …</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>Importieren</translation>
        </message>
        <message>
            <source>Open CSV</source>
            <translation>CSV öffnen</translation>
        </message>
        <message>
            <source>CSV files (*.csv *.txt)</source>
            <translation>CSV-Dateien (*.csv *.txt)</translation>
        </message>
    </context>
    <context>
        <name>Maskline::InteractionModel</name>
        <message>
            <source>Inbound %1 %2</source>
            <translation>Eingehend %1 %2</translation>
        </message>
        <message>
            <source>Outbound %1 %2</source>
            <translation>Ausgehend %1 %2</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Meldung</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Anruf</translation>
        </message>
        <message>
            <source>Unknown</source>
            <translation>Unbekannt</translation>
        </message>
        <message>
            <source>%1 call</source>
            <translation>%1 Anruf</translation>
        </message>
        <message>
            <source>call</source>
            <translation>Anruf</translation>
        </message>
        <message numerus="yes">
            <source>%n file(s)</source>
            <translation>
                <numerusform>%n Datei</numerusform>
                <numerusform>%n Dateien</numerusform>
            </translation>
        </message>
        <message>
            <source>Time</source>
            <translation>Zeit</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>From → to</source>
            <translation>Von → an</translation>
        </message>
        <message>
            <source>Body / duration</source>
            <translation>Text / Dauer</translation>
        </message>
        <message>
            <source>Media</source>
            <translation>Medien</translation>
        </message>
        <message>
            <source>Inbound</source>
            <translation>Eingehend</translation>
        </message>
        <message>
            <source>Outbound</source>
            <translation>Ausgehend</translation>
        </message>
        <message>
            <source>SID</source>
            <translation>SID</translation>
        </message>
    </context>
    <context>
        <name>Maskline::MainWindow</name>
        <message>
            <source>Maskline</source>
            <translation>Maskline</translation>
        </message>
        <message>
            <source>Starting the engine…</source>
            <translation>Engine wird gestartet …</translation>
        </message>
        <message>
            <source>&amp;Sessions</source>
            <translation>&amp;Sitzungen</translation>
        </message>
        <message>
            <source>Ser&amp;vices</source>
            <translation>Dienst&amp;e</translation>
        </message>
        <message>
            <source>&amp;Numbers</source>
            <translation>&amp;Nummern</translation>
        </message>
        <message>
            <source>&amp;Debugger</source>
            <translation>Deb&amp;ugger</translation>
        </message>
        <message>
            <source>Si&amp;mulator</source>
            <translation>Si&amp;mulator</translation>
        </message>
        <message>
            <source>&amp;Traffic</source>
            <translation>&amp;Verkehr</translation>
        </message>
        <message>
            <source>Engine starting…</source>
            <translation>Engine startet …</translation>
        </message>
        <message>
            <source>Carrier: Twilio</source>
            <translation>Netzbetreiber: Twilio</translation>
        </message>
        <message>
            <source>Carrier: simulator</source>
            <translation>Netzbetreiber: Simulator</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Datei</translation>
        </message>
        <message>
            <source>Open &amp;demo store</source>
            <translation>&amp;Demo-Speicher öffnen</translation>
        </message>
        <message>
            <source>&amp;Export debugger events…</source>
            <translation>Debugger-Ereignisse &amp;exportieren …</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Beenden</translation>
        </message>
        <message>
            <source>&amp;Edit</source>
            <translation>&amp;Bearbeiten</translation>
        </message>
        <message>
            <source>Copy &amp;SID</source>
            <translation>&amp;SID kopieren</translation>
        </message>
        <message>
            <source>&amp;Find…</source>
            <translation>&amp;Suchen …</translation>
        </message>
        <message>
            <source>Sessio&amp;ns</source>
            <translation>Sit&amp;zungen</translation>
        </message>
        <message>
            <source>Clear &amp;filters</source>
            <translation>&amp;Filter zurücksetzen</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Ansicht</translation>
        </message>
        <message>
            <source>Sessions</source>
            <translation>Sitzungen</translation>
        </message>
        <message>
            <source>Services</source>
            <translation>Dienste</translation>
        </message>
        <message>
            <source>Numbers</source>
            <translation>Nummern</translation>
        </message>
        <message>
            <source>Debugger</source>
            <translation>Debugger</translation>
        </message>
        <message>
            <source>Simulator</source>
            <translation>Simulator</translation>
        </message>
        <message>
            <source>Traffic</source>
            <translation>Verkehr</translation>
        </message>
        <message>
            <source>&amp;Refresh</source>
            <translation>A&amp;ktualisieren</translation>
        </message>
        <message>
            <source>En&amp;gine</source>
            <translation>En&amp;gine</translation>
        </message>
        <message>
            <source>&amp;Credentials…</source>
            <translation>&amp;Zugangsdaten …</translation>
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation>&amp;Einstellungen …</translation>
        </message>
        <message>
            <source>&amp;Account settings…</source>
            <translation>&amp;Kontoeinstellungen …</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Hilfe</translation>
        </message>
        <message>
            <source>&amp;About Maskline</source>
            <translation>&amp;Über Maskline</translation>
        </message>
        <message>
            <source>About Maskline</source>
            <translation>Über Maskline</translation>
        </message>
        <message>
            <source>&lt;b&gt;Maskline %1&lt;/b&gt;&lt;br&gt;A self-hosted number-masking engine that speaks Twilio Proxy's v1 REST API.</source>
            <translation>&lt;b&gt;Maskline %1&lt;/b&gt;&lt;br&gt;Eine selbst betriebene Engine zur Nummernmaskierung, die die v1-REST-API von Twilio Proxy spricht.</translation>
        </message>
        <message>
            <source>The engine could not start: %1</source>
            <translation>Die Engine konnte nicht starten: %1</translation>
        </message>
        <message>
            <source>Engine stopped</source>
            <translation>Engine angehalten</translation>
        </message>
        <message>
            <source>%1 · %2 · %3 · %4</source>
            <translation>%1 · %2 · %3 · %4</translation>
        </message>
        <message numerus="yes">
            <source>%n service(s)</source>
            <translation>
                <numerusform>%n Dienst</numerusform>
                <numerusform>%n Dienste</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n number(s)</source>
            <translation>
                <numerusform>%n Nummer</numerusform>
                <numerusform>%n Nummern</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%1 active of %n session(s)</source>
            <translation>
                <numerusform>%1 aktiv von %n Sitzung</numerusform>
                <numerusform>%1 aktiv von %n Sitzungen</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n error(s) in the last hour</source>
            <translation>
                <numerusform>%n Fehler in der letzten Stunde</numerusform>
                <numerusform>%n Fehler in der letzten Stunde</numerusform>
            </translation>
        </message>
        <message>
            <source>Copied %1</source>
            <translation>%1 kopiert</translation>
        </message>
        <message>
            <source>Cannot create a temporary folder for the demo store: %1</source>
            <translation>Für den Demo-Speicher kann kein temporärer Ordner angelegt werden: %1</translation>
        </message>
        <message>
            <source>Creating a demo store in %1…</source>
            <translation>Demo-Speicher wird in %1 angelegt …</translation>
        </message>
        <message>
            <source>The demo store could not be created: %1</source>
            <translation>Der Demo-Speicher konnte nicht angelegt werden: %1</translation>
        </message>
        <message>
            <source>Demo store created in %1 (%2 sessions, %3 interactions); it opens in a new window.</source>
            <translation>Demo-Speicher in %1 angelegt (%2 Sitzungen, %3 Interaktionen); er öffnet sich in einem neuen Fenster.</translation>
        </message>
        <message>
            <source>Settings saved; they apply when Maskline next starts.</source>
            <translation>Einstellungen gespeichert; sie gelten beim nächsten Start von Maskline.</translation>
        </message>
        <message>
            <source>The engine is not running: the account cannot be read.</source>
            <translation>Die Engine läuft nicht: Das Konto kann nicht gelesen werden.</translation>
        </message>
        <message>
            <source>Account settings saved.</source>
            <translation>Kontoeinstellungen gespeichert.</translation>
        </message>
        <message>
            <source>Credentials</source>
            <translation>Zugangsdaten</translation>
        </message>
        <message>
            <source>The engine has not started yet.</source>
            <translation>Die Engine ist noch nicht gestartet.</translation>
        </message>
        <message>
            <source>Listening on %1</source>
            <translation>Lauscht auf %1</translation>
        </message>
        <message>
            <source>Account %1</source>
            <translation>Konto %1</translation>
        </message>
    </context>
    <context>
        <name>Maskline::NewSessionDialog</name>
        <message>
            <source>New session</source>
            <translation>Neue Sitzung</translation>
        </message>
        <message>
            <source>optional, unique in the Service</source>
            <translation>optional, eindeutig im Dienst</translation>
        </message>
        <message>
            <source>the Service's default</source>
            <translation>Vorgabe des Dienstes</translation>
        </message>
        <message>
            <source> s</source>
            <translation> s</translation>
        </message>
        <message>
            <source>optional, e.g. +14155550100</source>
            <translation>optional, z. B. +14155550100</translation>
        </message>
        <message>
            <source>optional, e.g. +14155550101</source>
            <translation>optional, z. B. +14155550101</translation>
        </message>
        <message>
            <source>&amp;Service:</source>
            <translation>&amp;Dienst:</translation>
        </message>
        <message>
            <source>&amp;Unique name:</source>
            <translation>&amp;Eindeutiger Name:</translation>
        </message>
        <message>
            <source>&amp;Mode:</source>
            <translation>&amp;Modus:</translation>
        </message>
        <message>
            <source>&amp;TTL:</source>
            <translation>&amp;TTL:</translation>
        </message>
        <message>
            <source>&amp;Expiry:</source>
            <translation>&amp;Ablauf:</translation>
        </message>
        <message>
            <source>Participant &amp;1:</source>
            <translation>Teilnehmer &amp;1:</translation>
        </message>
        <message>
            <source>Participant &amp;2:</source>
            <translation>Teilnehmer &amp;2:</translation>
        </message>
        <message>
            <source>Create</source>
            <translation>Anlegen</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>The expiry is in the past: the session would close at once.</source>
            <translation>Der Ablauf liegt in der Vergangenheit: Die Sitzung würde sofort geschlossen.</translation>
        </message>
        <message>
            <source>Choose the Service the session belongs to.</source>
            <translation>Wählen Sie den Dienst, zu dem die Sitzung gehört.</translation>
        </message>
        <message>
            <source>Service %1 refused the session — %2</source>
            <translation>Dienst %1 hat die Sitzung abgelehnt — %2</translation>
        </message>
    </context>
    <context>
        <name>Maskline::NumberModel</name>
        <message>
            <source>voice</source>
            <translation>Sprache</translation>
        </message>
        <message>
            <source>SMS</source>
            <translation>SMS</translation>
        </message>
        <message>
            <source>MMS</source>
            <translation>MMS</translation>
        </message>
        <message>
            <source>fax</source>
            <translation>Fax</translation>
        </message>
        <message>
            <source>none</source>
            <translation>keine</translation>
        </message>
        <message numerus="yes">
            <source>%n active session(s) use this number; it cannot be removed until none do.</source>
            <translation>
                <numerusform>%n aktive Sitzung nutzt diese Nummer; sie kann erst entfernt werden, wenn keine sie mehr nutzt.</numerusform>
                <numerusform>%n aktive Sitzungen nutzen diese Nummer; sie kann erst entfernt werden, wenn keine sie mehr nutzt.</numerusform>
            </translation>
        </message>
        <message>
            <source>No active session uses this number.</source>
            <translation>Keine aktive Sitzung nutzt diese Nummer.</translation>
        </message>
        <message>
            <source>Reserved: only given out when asked for by number or SID.</source>
            <translation>Reserviert: wird nur vergeben, wenn sie per Nummer oder SID angefordert wird.</translation>
        </message>
        <message>
            <source>Not reserved: number selection may pick it.</source>
            <translation>Nicht reserviert: Die Nummernauswahl darf sie wählen.</translation>
        </message>
        <message>
            <source>reserved</source>
            <translation>reserviert</translation>
        </message>
        <message>
            <source>Number</source>
            <translation>Nummer</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Land</translation>
        </message>
        <message>
            <source>Capabilities</source>
            <translation>Fähigkeiten</translation>
        </message>
        <message>
            <source>Reserved</source>
            <translation>Reserviert</translation>
        </message>
        <message>
            <source>In use</source>
            <translation>In Gebrauch</translation>
        </message>
        <message>
            <source>Friendly name</source>
            <translation>Anzeigename</translation>
        </message>
        <message>
            <source>SID</source>
            <translation>SID</translation>
        </message>
    </context>
    <context>
        <name>Maskline::NumbersPane</name>
        <message>
            <source>Service:</source>
            <translation>Dienst:</translation>
        </message>
        <message>
            <source>+14155550100 or PN…</source>
            <translation>+14155550100 oder PN…</translation>
        </message>
        <message>
            <source>Reserved</source>
            <translation>Reserviert</translation>
        </message>
        <message>
            <source>&amp;Add</source>
            <translation>&amp;Hinzufügen</translation>
        </message>
        <message>
            <source>&amp;Import list / CSV…</source>
            <translation>Liste / CSV &amp;importieren …</translation>
        </message>
        <message>
            <source>&amp;Reserve / release</source>
            <translation>&amp;Reservieren / freigeben</translation>
        </message>
        <message>
            <source>Re&amp;move…</source>
            <translation>&amp;Entfernen …</translation>
        </message>
        <message>
            <source>&amp;Who holds this number?</source>
            <translation>&amp;Wer hält diese Nummer?</translation>
        </message>
        <message>
            <source>Create a service first: numbers belong to a service's pool.</source>
            <translation>Legen Sie zuerst einen Dienst an: Nummern gehören zum Pool eines Dienstes.</translation>
        </message>
        <message>
            <source>Type a phone number in E.164 form, e.g. +14155550100.</source>
            <translation>Geben Sie eine Telefonnummer im E.164-Format ein, z. B. +14155550100.</translation>
        </message>
        <message>
            <source>Added %1 to the pool.</source>
            <translation>%1 zum Pool hinzugefügt.</translation>
        </message>
        <message>
            <source>Adding numbers to the pool…</source>
            <translation>Nummern werden zum Pool hinzugefügt …</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Anhalten</translation>
        </message>
        <message>
            <source>Import numbers</source>
            <translation>Nummern importieren</translation>
        </message>
        <message>
            <source>Imported %1 of %2 numbers.</source>
            <translation>%1 von %2 Nummern importiert.</translation>
        </message>
        <message numerus="yes">
            <source>Stopped: %n not tried.</source>
            <translation>
                <numerusform>Angehalten: %n nicht versucht.</numerusform>
                <numerusform>Angehalten: %n nicht versucht.</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 is now reserved.</source>
            <translation>%1 ist jetzt reserviert.</translation>
        </message>
        <message>
            <source>%1 is no longer reserved.</source>
            <translation>%1 ist nicht mehr reserviert.</translation>
        </message>
        <message>
            <source>Remove numbers</source>
            <translation>Nummern entfernen</translation>
        </message>
        <message>
            <source>Remove %1 from the pool? Numbers in use by an active session cannot be removed.</source>
            <translation>%1 aus dem Pool entfernen? Nummern, die eine aktive Sitzung nutzt, können nicht entfernt werden.</translation>
        </message>
        <message>
            <source>Removed %1 from the pool.</source>
            <translation>%1 aus dem Pool entfernt.</translation>
        </message>
        <message>
            <source>Copy number</source>
            <translation>Nummer kopieren</translation>
        </message>
        <message>
            <source>Copy SID</source>
            <translation>SID kopieren</translation>
        </message>
        <message>
            <source>Who holds this number?</source>
            <translation>Wer hält diese Nummer?</translation>
        </message>
        <message>
            <source>Reserve / release</source>
            <translation>Reservieren / freigeben</translation>
        </message>
        <message>
            <source>Remove…</source>
            <translation>Entfernen …</translation>
        </message>
        <message>
            <source>Import list / CSV…</source>
            <translation>Liste / CSV importieren …</translation>
        </message>
    </context>
    <context>
        <name>Maskline::ParticipantModel</name>
        <message>
            <source>Removed at %1: %2 can never be added to this session again.</source>
            <translation>Entfernt am %1: %2 kann dieser Sitzung nie wieder hinzugefügt werden.</translation>
        </message>
        <message>
            <source>%1 texts and calls %2; Maskline forwards it to the other participant from that participant's own proxy number, so neither sees the other's real number.</source>
            <translation>%1 schreibt und ruft %2 an; Maskline leitet es von der eigenen Proxy-Nummer des anderen Teilnehmers an ihn weiter, sodass keiner die echte Nummer des anderen sieht.</translation>
        </message>
        <message>
            <source>removed</source>
            <translation>entfernt</translation>
        </message>
        <message>
            <source>active</source>
            <translation>aktiv</translation>
        </message>
        <message>
            <source>inactive (session closed)</source>
            <translation>inaktiv (Sitzung geschlossen)</translation>
        </message>
        <message>
            <source>Identifier (real number)</source>
            <translation>Kennung (echte Nummer)</translation>
        </message>
        <message>
            <source>Proxy number (masked as)</source>
            <translation>Proxy-Nummer (maskiert als)</translation>
        </message>
        <message>
            <source>Friendly name</source>
            <translation>Anzeigename</translation>
        </message>
        <message>
            <source>State</source>
            <translation>Zustand</translation>
        </message>
        <message>
            <source>SID</source>
            <translation>SID</translation>
        </message>
        <message>
            <source>Added</source>
            <translation>Hinzugefügt</translation>
        </message>
    </context>
    <context>
        <name>Maskline::SendMessageDialog</name>
        <message>
            <source>Send a message</source>
            <translation>Nachricht senden</translation>
        </message>
        <message>
            <source>The participant receives this text from their proxy number, as if the other side had sent it (a MessageInteraction).</source>
            <translation>Der Teilnehmer erhält diesen Text von seiner Proxy-Nummer, als hätte ihn die andere Seite geschickt (eine MessageInteraction).</translation>
        </message>
        <message>
            <source>%1, %2</source>
            <translation>%1, %2</translation>
        </message>
        <message>
            <source>%1 — from %2</source>
            <translation>%1 — von %2</translation>
        </message>
        <message>
            <source>Your driver is two minutes away.</source>
            <translation>Ihr Fahrer ist in zwei Minuten da.</translation>
        </message>
        <message>
            <source>Message body</source>
            <translation>Nachrichtentext</translation>
        </message>
        <message>
            <source>optional media URLs, separated by spaces (MMS)</source>
            <translation>optionale Medien-URLs, durch Leerzeichen getrennt (MMS)</translation>
        </message>
        <message>
            <source>&amp;To participant:</source>
            <translation>&amp;An Teilnehmer:</translation>
        </message>
        <message>
            <source>&amp;Body:</source>
            <translation>&amp;Text:</translation>
        </message>
        <message>
            <source>&amp;Media:</source>
            <translation>&amp;Medien:</translation>
        </message>
        <message>
            <source>Send</source>
            <translation>Senden</translation>
        </message>
        <message>
            <source>The session has no participant to send to.</source>
            <translation>Die Sitzung hat keinen Teilnehmer, an den gesendet werden kann.</translation>
        </message>
        <message>
            <source>Write a body or give a media URL.</source>
            <translation>Schreiben Sie einen Text oder geben Sie eine Medien-URL an.</translation>
        </message>
    </context>
    <context>
        <name>Maskline::ServiceCombo</name>
        <message>
            <source>All services</source>
            <translation>Alle Dienste</translation>
        </message>
    </context>
    <context>
        <name>Maskline::ServiceModel</name>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>Unique name</source>
            <translation>Eindeutiger Name</translation>
        </message>
        <message>
            <source>SID</source>
            <translation>SID</translation>
        </message>
        <message>
            <source>Default TTL</source>
            <translation>Standard-TTL</translation>
        </message>
        <message>
            <source>Geo match</source>
            <translation>Geo-Abgleich</translation>
        </message>
        <message>
            <source>Number selection</source>
            <translation>Nummernauswahl</translation>
        </message>
        <message>
            <source>Callback URL</source>
            <translation>Callback-URL</translation>
        </message>
        <message>
            <source>Updated</source>
            <translation>Geändert</translation>
        </message>
    </context>
    <context>
        <name>Maskline::ServicesPane</name>
        <message>
            <source>Services</source>
            <translation>Dienste</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>Dienst</translation>
        </message>
        <message>
            <source>required, unique in the account</source>
            <translation>erforderlich, eindeutig im Konto</translation>
        </message>
        <message>
            <source>assigned when created</source>
            <translation>wird beim Anlegen vergeben</translation>
        </message>
        <message>
            <source> s</source>
            <translation> s</translation>
        </message>
        <message>
            <source>none (sessions do not time out)</source>
            <translation>keine (Sitzungen laufen nicht ab)</translation>
        </message>
        <message>
            <source>Seconds a session stays open after its last interaction, unless the session sets its own Ttl</source>
            <translation>Sekunden, die eine Sitzung nach ihrer letzten Interaktion offen bleibt, sofern die Sitzung keine eigene Ttl setzt</translation>
        </message>
        <message>
            <source>IS… (optional)</source>
            <translation>IS… (optional)</translation>
        </message>
        <message>
            <source>Insert Mexico's mobile '1'</source>
            <translation>Mexikos Mobil-„1“ einfügen</translation>
        </message>
        <message>
            <source>Insert Argentina's '9' for voice</source>
            <translation>Argentiniens „9“ für Sprache einfügen</translation>
        </message>
        <message>
            <source>&amp;Unique name:</source>
            <translation>&amp;Eindeutiger Name:</translation>
        </message>
        <message>
            <source>SID:</source>
            <translation>SID:</translation>
        </message>
        <message>
            <source>Default &amp;TTL:</source>
            <translation>Standard-&amp;TTL:</translation>
        </message>
        <message>
            <source>&amp;Geo match level:</source>
            <translation>&amp;Geo-Abgleichsstufe:</translation>
        </message>
        <message>
            <source>&amp;Number selection:</source>
            <translation>&amp;Nummernauswahl:</translation>
        </message>
        <message>
            <source>&amp;Callback URL:</source>
            <translation>&amp;Callback-URL:</translation>
        </message>
        <message>
            <source>&amp;Intercept callback URL:</source>
            <translation>&amp;Intercept-Callback-URL:</translation>
        </message>
        <message>
            <source>&amp;Out-of-session callback URL:</source>
            <translation>Callback-URL &amp;außerhalb von Sitzungen:</translation>
        </message>
        <message>
            <source>Chat instance SID:</source>
            <translation>SID der Chat-Instanz:</translation>
        </message>
        <message>
            <source>&amp;New service</source>
            <translation>&amp;Neuer Dienst</translation>
        </message>
        <message>
            <source>&amp;Create</source>
            <translation>&amp;Anlegen</translation>
        </message>
        <message>
            <source>&amp;Delete…</source>
            <translation>&amp;Löschen …</translation>
        </message>
        <message>
            <source>%1 was changed elsewhere while you were editing it. Save sends only the fields you changed, so the other changes are kept.</source>
            <translation>%1 wurde anderswo geändert, während Sie es bearbeitet haben. Speichern sendet nur die Felder, die Sie geändert haben; die anderen Änderungen bleiben erhalten.</translation>
        </message>
        <message numerus="yes">
            <source>%1 was changed elsewhere while you were editing it, in %n field(s) you changed too (marked). Save keeps the other changes; the marked fields need your decision.</source>
            <translation>
                <numerusform>%1 wurde anderswo geändert, während Sie es bearbeitet haben, in %n Feld, das auch Sie geändert haben (markiert). Speichern behält die anderen Änderungen; über das markierte Feld müssen Sie entscheiden.</numerusform>
                <numerusform>%1 wurde anderswo geändert, während Sie es bearbeitet haben, in %n Feldern, die auch Sie geändert haben (markiert). Speichern behält die anderen Änderungen; über die markierten Felder müssen Sie entscheiden.</numerusform>
            </translation>
        </message>
        <message>
            <source>&amp;Save</source>
            <translation>&amp;Speichern</translation>
        </message>
        <message>
            <source>on</source>
            <translation>an</translation>
        </message>
        <message>
            <source>off</source>
            <translation>aus</translation>
        </message>
        <message>
            <source>(empty)</source>
            <translation>(leer)</translation>
        </message>
        <message>
            <source>Unique name</source>
            <translation>Eindeutiger Name</translation>
        </message>
        <message>
            <source>Default TTL</source>
            <translation>Standard-TTL</translation>
        </message>
        <message>
            <source>Geo match level</source>
            <translation>Geo-Abgleichsstufe</translation>
        </message>
        <message>
            <source>Number selection</source>
            <translation>Nummernauswahl</translation>
        </message>
        <message>
            <source>Callback URL</source>
            <translation>Callback-URL</translation>
        </message>
        <message>
            <source>Intercept callback URL</source>
            <translation>Intercept-Callback-URL</translation>
        </message>
        <message>
            <source>Out-of-session callback URL</source>
            <translation>Callback-URL außerhalb von Sitzungen</translation>
        </message>
        <message>
            <source>Chat instance SID</source>
            <translation>SID der Chat-Instanz</translation>
        </message>
        <message>
            <source>Changed elsewhere to: %1
Yours: %2
When the form was loaded: %3</source>
            <translation>Anderswo geändert auf: %1
Ihr Wert: %2
Beim Laden des Formulars: %3</translation>
        </message>
        <message>
            <source>Created %1 (%2).</source>
            <translation>%1 (%2) angelegt.</translation>
        </message>
        <message>
            <source>Nothing to save: the form shows the stored values.</source>
            <translation>Nichts zu speichern: Das Formular zeigt die gespeicherten Werte.</translation>
        </message>
        <message>
            <source>%1: stored %2, yours %3</source>
            <translation>%1: gespeichert %2, Ihr Wert %3</translation>
        </message>
        <message>
            <source>Not saved: %1 was changed elsewhere since you opened it — %2. Press Save again to write your values over these, or select the Service again to see the stored ones.</source>
            <translation>Nicht gespeichert: %1 wurde anderswo geändert, seit Sie es geöffnet haben — %2. Drücken Sie erneut Speichern, um Ihre Werte darüber zu schreiben, oder wählen Sie den Dienst erneut, um die gespeicherten zu sehen.</translation>
        </message>
        <message>
            <source>Saved %1.</source>
            <translation>%1 gespeichert.</translation>
        </message>
        <message>
            <source>Its active sessions end with it.</source>
            <translation>Seine aktiven Sitzungen enden mit ihm.</translation>
        </message>
        <message>
            <source>It has no active session.</source>
            <translation>Er hat keine aktive Sitzung.</translation>
        </message>
        <message numerus="yes">
            <source>It ends %n active session(s): their participants stop reaching each other at once.</source>
            <translation>
                <numerusform>Das beendet %n aktive Sitzung: Ihre Teilnehmer erreichen einander sofort nicht mehr.</numerusform>
                <numerusform>Das beendet %n aktive Sitzungen: Ihre Teilnehmer erreichen einander sofort nicht mehr.</numerusform>
            </translation>
        </message>
        <message>
            <source>Delete service</source>
            <translation>Dienst löschen</translation>
        </message>
        <message>
            <source>Delete the service %1 (%2)?

%3

Its numbers go back to no pool, and every session, participant and interaction in it is deleted. This cannot be undone.</source>
            <translation>Den Dienst %1 (%2) löschen?

%3

Seine Nummern gehören danach zu keinem Pool mehr, und jede Sitzung, jeder Teilnehmer und jede Interaktion darin wird gelöscht. Das lässt sich nicht rückgängig machen.</translation>
        </message>
        <message>
            <source>Deleted %1.</source>
            <translation>%1 gelöscht.</translation>
        </message>
        <message>
            <source>Copy SID</source>
            <translation>SID kopieren</translation>
        </message>
        <message>
            <source>Delete…</source>
            <translation>Löschen …</translation>
        </message>
        <message>
            <source>New service</source>
            <translation>Neuer Dienst</translation>
        </message>
    </context>
    <context>
        <name>Maskline::SessionModel</name>
        <message>
            <source>Open</source>
            <translation>Offen</translation>
        </message>
        <message>
            <source>In progress</source>
            <translation>Laufend</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>Geschlossen</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Fehlgeschlagen</translation>
        </message>
        <message>
            <source>Unknown</source>
            <translation>Unbekannt</translation>
        </message>
        <message>
            <source>Closes at its date_expiry, %1</source>
            <translation>Schließt zu ihrem date_expiry, %1</translation>
        </message>
        <message>
            <source>Closes %1 after the last interaction (TTL), at %2</source>
            <translation>Schließt %1 nach der letzten Interaktion (TTL), um %2</translation>
        </message>
        <message>
            <source>No TTL and no date_expiry: stays open until closed</source>
            <translation>Keine TTL und kein date_expiry: bleibt offen, bis sie geschlossen wird</translation>
        </message>
        <message>
            <source>Closed (%1) at %2</source>
            <translation>Geschlossen (%1) am %2</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Unique name</source>
            <translation>Eindeutiger Name</translation>
        </message>
        <message>
            <source>SID</source>
            <translation>SID</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>Modus</translation>
        </message>
        <message>
            <source>Expires</source>
            <translation>Läuft ab</translation>
        </message>
        <message>
            <source>date_expiry</source>
            <translation>date_expiry</translation>
        </message>
        <message>
            <source>TTL</source>
            <translation>TTL</translation>
        </message>
        <message>
            <source>Last interaction</source>
            <translation>Letzte Interaktion</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>Angelegt</translation>
        </message>
    </context>
    <context>
        <name>Maskline::SessionsPane</name>
        <message>
            <source>TTL &amp;&amp; e&amp;xpiry…</source>
            <translation>TTL &amp;&amp; A&amp;blauf …</translation>
        </message>
        <message>
            <source>Edit TTL and e&amp;xpiry…</source>
            <translation>TTL und A&amp;blauf bearbeiten …</translation>
        </message>
        <message>
            <source>Send &amp;message…</source>
            <translation>&amp;Nachricht senden …</translation>
        </message>
        <message>
            <source>Send &amp;message as participant…</source>
            <translation>&amp;Nachricht als Teilnehmer senden …</translation>
        </message>
        <message>
            <source>D&amp;elete interaction…</source>
            <translation>Interaktion l&amp;öschen …</translation>
        </message>
        <message>
            <source>Session %1 now has TTL %2 and expiry %3.</source>
            <translation>Sitzung %1 hat jetzt TTL %2 und Ablauf %3.</translation>
        </message>
        <message>
            <source>Message queued for delivery (interaction %1).</source>
            <translation>Nachricht zur Zustellung eingereiht (Interaktion %1).</translation>
        </message>
        <message>
            <source>the call</source>
            <translation>den Anruf</translation>
        </message>
        <message>
            <source>the message “%1”</source>
            <translation>die Nachricht „%1“</translation>
        </message>
        <message>
            <source>Delete interaction</source>
            <translation>Interaktion löschen</translation>
        </message>
        <message>
            <source>Delete %1 (%2) from the session's history?

Only the record goes: what was delivered stays delivered. This cannot be undone.</source>
            <translation>%1 (%2) aus dem Verlauf der Sitzung löschen?

Nur der Eintrag verschwindet: Was zugestellt wurde, bleibt zugestellt. Das lässt sich nicht rückgängig machen.</translation>
        </message>
        <message>
            <source>Interaction %1 deleted.</source>
            <translation>Interaktion %1 gelöscht.</translation>
        </message>
        <message>
            <source>Any status</source>
            <translation>Jeder Status</translation>
        </message>
        <message>
            <source>Active (open or in progress)</source>
            <translation>Aktiv (offen oder laufend)</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Offen</translation>
        </message>
        <message>
            <source>In progress</source>
            <translation>Laufend</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>Geschlossen</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Fehlgeschlagen</translation>
        </message>
        <message>
            <source>Unique name starts with… or KC… SID</source>
            <translation>Eindeutiger Name beginnt mit … oder KC…-SID</translation>
        </message>
        <message>
            <source>Participant number, e.g. +14155550100</source>
            <translation>Teilnehmernummer, z. B. +14155550100</translation>
        </message>
        <message>
            <source>Proxy number</source>
            <translation>Proxy-Nummer</translation>
        </message>
        <message>
            <source>Created between</source>
            <translation>Angelegt zwischen</translation>
        </message>
        <message>
            <source>Clear filters</source>
            <translation>Filter zurücksetzen</translation>
        </message>
        <message>
            <source>Service:</source>
            <translation>Dienst:</translation>
        </message>
        <message>
            <source>Status:</source>
            <translation>Status:</translation>
        </message>
        <message>
            <source>&amp;New session…</source>
            <translation>&amp;Neue Sitzung …</translation>
        </message>
        <message>
            <source>C&amp;lose…</source>
            <translation>Sch&amp;ließen …</translation>
        </message>
        <message>
            <source>Re-&amp;open</source>
            <translation>Wieder &amp;öffnen</translation>
        </message>
        <message>
            <source>&amp;Delete…</source>
            <translation>&amp;Löschen …</translation>
        </message>
        <message>
            <source>Sessions</source>
            <translation>Sitzungen</translation>
        </message>
        <message>
            <source>&amp;Add participant…</source>
            <translation>Teilnehmer &amp;hinzufügen …</translation>
        </message>
        <message>
            <source>&amp;Remove participant…</source>
            <translation>Teilnehmer &amp;entfernen …</translation>
        </message>
        <message>
            <source>Participants</source>
            <translation>Teilnehmer</translation>
        </message>
        <message>
            <source>&amp;Participants</source>
            <translation>&amp;Teilnehmer</translation>
        </message>
        <message>
            <source>Interactions</source>
            <translation>Interaktionen</translation>
        </message>
        <message>
            <source>&amp;Interactions</source>
            <translation>&amp;Interaktionen</translation>
        </message>
        <message>
            <source>Refused and dropped traffic</source>
            <translation>Abgelehnter und verworfener Verkehr</translation>
        </message>
        <message>
            <source>Refused &amp;&amp; dropped</source>
            <translation>Abgelehnt &amp;&amp; verworfen</translation>
        </message>
        <message>
            <source>&amp;Close session…</source>
            <translation>Sitzung &amp;schließen …</translation>
        </message>
        <message>
            <source>&amp;Re-open session</source>
            <translation>Sitzung wieder ö&amp;ffnen</translation>
        </message>
        <message>
            <source>&amp;Delete session…</source>
            <translation>Sitzung &amp;löschen …</translation>
        </message>
        <message>
            <source>Re&amp;move participant…</source>
            <translation>Teilnehmer ent&amp;fernen …</translation>
        </message>
        <message>
            <source>Cannot read sessions: %1</source>
            <translation>Sitzungen können nicht gelesen werden: %1</translation>
        </message>
        <message>
            <source>&lt;b&gt;Welcome to Maskline.&lt;/b&gt; No sessions yet — four steps to see masked traffic:&lt;table cellpadding='2'&gt;&lt;tr&gt;&lt;td&gt;%1&lt;/td&gt;&lt;td&gt;1. &lt;a href='service'&gt;Create a Service&lt;/a&gt; (Services tab): a pool of numbers and its rules.&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;%2&lt;/td&gt;&lt;td&gt;2. &lt;a href='numbers'&gt;Add proxy numbers&lt;/a&gt; to its pool (Numbers tab).&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;%2&lt;/td&gt;&lt;td&gt;3. &lt;a href='session'&gt;Open a session&lt;/a&gt; with two participants' real numbers.&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;%2&lt;/td&gt;&lt;td&gt;4. &lt;a href='simulator'&gt;Try the Simulator&lt;/a&gt;: text a proxy number from a participant's number and watch it forwarded.&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;Or look around first: &lt;a href='demo'&gt;open a demo store&lt;/a&gt; (File ▸ Open demo store) with services, numbers, sessions and traffic in a temporary file.</source>
            <translation>&lt;b&gt;Willkommen bei Maskline.&lt;/b&gt; Noch keine Sitzungen — vier Schritte bis zum maskierten Verkehr:&lt;table cellpadding='2'&gt;&lt;tr&gt;&lt;td&gt;%1&lt;/td&gt;&lt;td&gt;1. &lt;a href='service'&gt;Einen Dienst anlegen&lt;/a&gt; (Reiter Dienste): ein Nummernpool und seine Regeln.&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;%2&lt;/td&gt;&lt;td&gt;2. &lt;a href='numbers'&gt;Proxy-Nummern&lt;/a&gt; zu seinem Pool hinzufügen (Reiter Nummern).&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;%2&lt;/td&gt;&lt;td&gt;3. &lt;a href='session'&gt;Eine Sitzung öffnen&lt;/a&gt; mit den echten Nummern zweier Teilnehmer.&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;%2&lt;/td&gt;&lt;td&gt;4. &lt;a href='simulator'&gt;Den Simulator ausprobieren&lt;/a&gt;: von der Nummer eines Teilnehmers an eine Proxy-Nummer schreiben und zusehen, wie es weitergeleitet wird.&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;Oder sich erst umsehen: &lt;a href='demo'&gt;einen Demo-Speicher öffnen&lt;/a&gt; (Datei ▸ Demo-Speicher öffnen) mit Diensten, Nummern, Sitzungen und Verkehr in einer temporären Datei.</translation>
        </message>
        <message>
            <source>Refused &amp;&amp; dropped (%1)</source>
            <translation>Abgelehnt &amp;&amp; verworfen (%1)</translation>
        </message>
        <message>
            <source>&lt;i&gt;Select a session to see its details, participants and interactions.&lt;/i&gt;</source>
            <translation>&lt;i&gt;Wählen Sie eine Sitzung, um ihre Details, Teilnehmer und Interaktionen zu sehen.&lt;/i&gt;</translation>
        </message>
        <message>
            <source>SID</source>
            <translation>SID</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>Dienst</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>Modus</translation>
        </message>
        <message>
            <source>TTL</source>
            <translation>TTL</translation>
        </message>
        <message>
            <source>none</source>
            <translation>keine</translation>
        </message>
        <message>
            <source>date_expiry</source>
            <translation>date_expiry</translation>
        </message>
        <message>
            <source>Expires</source>
            <translation>Läuft ab</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>Angelegt</translation>
        </message>
        <message>
            <source>Started</source>
            <translation>Begonnen</translation>
        </message>
        <message>
            <source>Last interaction</source>
            <translation>Letzte Interaktion</translation>
        </message>
        <message>
            <source>Ended</source>
            <translation>Beendet</translation>
        </message>
        <message>
            <source>Closed reason</source>
            <translation>Schließgrund</translation>
        </message>
        <message>
            <source>%1 ↔ %2</source>
            <translation>%1 ↔ %2</translation>
        </message>
        <message>
            <source>No participants yet. Add two: each gets a proxy number to text and call.</source>
            <translation>Noch keine Teilnehmer. Fügen Sie zwei hinzu: Jeder bekommt eine Proxy-Nummer zum Schreiben und Anrufen.</translation>
        </message>
        <message>
            <source>Real number ↔ proxy number it talks through: %1. Each side only ever sees the other's proxy number.</source>
            <translation>Echte Nummer ↔ Proxy-Nummer, über die sie spricht: %1. Jede Seite sieht immer nur die Proxy-Nummer der anderen.</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Wird geladen …</translation>
        </message>
        <message numerus="yes">
            <source>%n session(s) shown — scroll for more</source>
            <translation>
                <numerusform>%n Sitzung angezeigt — für mehr scrollen</numerusform>
                <numerusform>%n Sitzungen angezeigt — für mehr scrollen</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n session(s)</source>
            <translation>
                <numerusform>%n Sitzung</numerusform>
                <numerusform>%n Sitzungen</numerusform>
            </translation>
        </message>
        <message>
            <source>Create a service first (Services tab): sessions belong to a service.</source>
            <translation>Legen Sie zuerst einen Dienst an (Reiter Dienste): Sitzungen gehören zu einem Dienst.</translation>
        </message>
        <message>
            <source>Session %1 created in %2.</source>
            <translation>Sitzung %1 in %2 angelegt.</translation>
        </message>
        <message>
            <source>Session %1 closed.</source>
            <translation>Sitzung %1 geschlossen.</translation>
        </message>
        <message>
            <source>Session %1 re-opened (in progress).</source>
            <translation>Sitzung %1 wieder geöffnet (laufend).</translation>
        </message>
        <message>
            <source>Close session</source>
            <translation>Sitzung schließen</translation>
        </message>
        <message>
            <source>Close session %1?

Its participants stop reaching each other through their proxy numbers at once. You can re-open it later (it comes back in progress).</source>
            <translation>Sitzung %1 schließen?

Ihre Teilnehmer erreichen einander über ihre Proxy-Nummern sofort nicht mehr. Sie können sie später wieder öffnen (sie kommt als laufend zurück).</translation>
        </message>
        <message>
            <source>Delete session</source>
            <translation>Sitzung löschen</translation>
        </message>
        <message>
            <source>Delete session %1 with its participants and interactions? This cannot be undone.</source>
            <translation>Sitzung %1 mit ihren Teilnehmern und Interaktionen löschen? Das lässt sich nicht rückgängig machen.</translation>
        </message>
        <message>
            <source>Session %1 deleted.</source>
            <translation>Sitzung %1 gelöscht.</translation>
        </message>
        <message>
            <source>Added %1, who texts and calls %2.</source>
            <translation>%1 hinzugefügt; schreibt und ruft %2 an.</translation>
        </message>
        <message>
            <source>Select the participant to remove.</source>
            <translation>Wählen Sie den Teilnehmer, der entfernt werden soll.</translation>
        </message>
        <message>
            <source>Remove participant</source>
            <translation>Teilnehmer entfernen</translation>
        </message>
        <message>
            <source>Remove %1 (proxy number %2) from session %3?

This cannot be undone: the same number can never be added to this session again.</source>
            <translation>%1 (Proxy-Nummer %2) aus Sitzung %3 entfernen?

Das lässt sich nicht rückgängig machen: Dieselbe Nummer kann dieser Sitzung nie wieder hinzugefügt werden.</translation>
        </message>
        <message>
            <source>Removed %1; it can never be added to this session again.</source>
            <translation>%1 entfernt; die Nummer kann dieser Sitzung nie wieder hinzugefügt werden.</translation>
        </message>
        <message>
            <source>Copy SID</source>
            <translation>SID kopieren</translation>
        </message>
    </context>
    <context>
        <name>Maskline::SettingsDialog</name>
        <message>
            <source>The listen address must be host:port, e.g. 127.0.0.1:8080.</source>
            <translation>Die Lauschadresse muss Host:Port sein, z. B. 127.0.0.1:8080.</translation>
        </message>
        <message>
            <source>The public URL must start with https:// or http:// and name a host.</source>
            <translation>Die öffentliche URL muss mit https:// oder http:// beginnen und einen Host nennen.</translation>
        </message>
        <message>
            <source>The Twilio account SID is AC followed by 32 hex digits (see the Twilio console's Account Info).</source>
            <translation>Die Twilio-Konto-SID ist AC, gefolgt von 32 Hexadezimalziffern (siehe „Account Info“ in der Twilio-Konsole).</translation>
        </message>
        <message>
            <source>The Twilio auth token is required.</source>
            <translation>Der Twilio-Auth-Token ist erforderlich.</translation>
        </message>
        <message>
            <source>The Twilio API URL must be an http or https URL.</source>
            <translation>Die Twilio-API-URL muss eine http- oder https-URL sein.</translation>
        </message>
        <message>
            <source>A public URL is required while signatures are checked: Twilio signs the URL it calls, so Maskline must know it.</source>
            <translation>Solange Signaturen geprüft werden, ist eine öffentliche URL nötig: Twilio signiert die URL, die es aufruft, also muss Maskline sie kennen.</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>&lt;b&gt;These settings apply the next time Maskline starts.&lt;/b&gt; Command-line flags and MASKLINE_* environment variables override them.</source>
            <translation>&lt;b&gt;Diese Einstellungen gelten beim nächsten Start von Maskline.&lt;/b&gt; Kommandozeilenoptionen und MASKLINE_*-Umgebungsvariablen haben Vorrang.</translation>
        </message>
        <message>
            <source>HTTP</source>
            <translation>HTTP</translation>
        </message>
        <message>
            <source>https://proxy.example.com (default: from each request's Host)</source>
            <translation>https://proxy.example.com (Vorgabe: aus dem Host jeder Anfrage)</translation>
        </message>
        <message>
            <source>&amp;Listen address:</source>
            <translation>&amp;Lauschadresse:</translation>
        </message>
        <message>
            <source>&amp;Public URL:</source>
            <translation>Ö&amp;ffentliche URL:</translation>
        </message>
        <message>
            <source>Carrier</source>
            <translation>Netzbetreiber</translation>
        </message>
        <message>
            <source>Built-in simulator (no real messages)</source>
            <translation>Eingebauter Simulator (keine echten Nachrichten)</translation>
        </message>
        <message>
            <source>Twilio Programmable Messaging and Voice</source>
            <translation>Twilio Programmable Messaging und Voice</translation>
        </message>
        <message>
            <source>Check X-Twilio-Signature on carrier webhooks</source>
            <translation>X-Twilio-Signature bei Netzbetreiber-Webhooks prüfen</translation>
        </message>
        <message>
            <source>&amp;Carrier:</source>
            <translation>&amp;Netzbetreiber:</translation>
        </message>
        <message>
            <source>Twilio account &amp;SID:</source>
            <translation>Twilio-Konto-&amp;SID:</translation>
        </message>
        <message>
            <source>Twilio auth &amp;token:</source>
            <translation>Twilio-Auth-&amp;Token:</translation>
        </message>
        <message>
            <source>Twilio &amp;API URL:</source>
            <translation>Twilio-&amp;API-URL:</translation>
        </message>
        <message>
            <source>Retention</source>
            <translation>Aufbewahrung</translation>
        </message>
        <message>
            <source> days</source>
            <translation> Tage</translation>
        </message>
        <message>
            <source>Keep &amp;debugger events:</source>
            <translation>&amp;Debugger-Ereignisse aufbewahren:</translation>
        </message>
        <message>
            <source>Keep c&amp;losed sessions:</source>
            <translation>&amp;Geschlossene Sitzungen aufbewahren:</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Sprache</translation>
        </message>
        <message>
            <source>System default</source>
            <translation>Systemvorgabe</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>&amp;Sprache:</translation>
        </message>
        <message>
            <source>Set the public URL above to see the webhook URLs to paste into Twilio.</source>
            <translation>Setzen Sie oben die öffentliche URL, um die Webhook-URLs zum Eintragen in Twilio zu sehen.</translation>
        </message>
        <message>
            <source>In the Twilio console, set each pool number's webhooks to:&lt;br&gt;A message comes in: &lt;code&gt;%1&lt;/code&gt;&lt;br&gt;A call comes in: &lt;code&gt;%2&lt;/code&gt;&lt;br&gt;Status callback: &lt;code&gt;%3&lt;/code&gt;</source>
            <translation>Setzen Sie in der Twilio-Konsole die Webhooks jeder Pool-Nummer auf:&lt;br&gt;Eine Nachricht kommt an: &lt;code&gt;%1&lt;/code&gt;&lt;br&gt;Ein Anruf kommt an: &lt;code&gt;%2&lt;/code&gt;&lt;br&gt;Status-Callback: &lt;code&gt;%3&lt;/code&gt;</translation>
        </message>
        <message>
            <source>Show</source>
            <translation>Zeigen</translation>
        </message>
        <message>
            <source>Show or hide the secret</source>
            <translation>Geheimnis zeigen oder verbergen</translation>
        </message>
        <message>
            <source>Hide</source>
            <translation>Verbergen</translation>
        </message>
    </context>
    <context>
        <name>Maskline::SimulatorPane</name>
        <message>
            <source>A handset</source>
            <translation>Ein Telefon</translation>
        </message>
        <message>
            <source>the handset's own number — a participant's identifier, e.g. +14155550100</source>
            <translation>die eigene Nummer des Telefons — die Kennung eines Teilnehmers, z. B. +14155550100</translation>
        </message>
        <message>
            <source>the proxy number it was given — the number decides the Service</source>
            <translation>die Proxy-Nummer, die es bekommen hat — die Nummer bestimmt den Dienst</translation>
        </message>
        <message>
            <source>To (proxy number)</source>
            <translation>An (Proxy-Nummer)</translation>
        </message>
        <message>
            <source>Hello from the simulator</source>
            <translation>Hallo aus dem Simulator</translation>
        </message>
        <message>
            <source>optional media URLs, separated by spaces (MMS)</source>
            <translation>optionale Medien-URLs, durch Leerzeichen getrennt (MMS)</translation>
        </message>
        <message>
            <source>&amp;From:</source>
            <translation>&amp;Von:</translation>
        </message>
        <message>
            <source>&amp;To (proxy number):</source>
            <translation>&amp;An (Proxy-Nummer):</translation>
        </message>
        <message>
            <source>&amp;Body:</source>
            <translation>&amp;Text:</translation>
        </message>
        <message>
            <source>&amp;Media:</source>
            <translation>&amp;Medien:</translation>
        </message>
        <message>
            <source>&amp;Send SMS</source>
            <translation>SMS &amp;senden</translation>
        </message>
        <message>
            <source>&amp;Place call</source>
            <translation>&amp;Anrufen</translation>
        </message>
        <message>
            <source>What the simulator carrier saw (newest first):</source>
            <translation>Was der Simulator-Netzbetreiber gesehen hat (neueste zuerst):</translation>
        </message>
        <message>
            <source>Simulated traffic</source>
            <translation>Simulierter Verkehr</translation>
        </message>
        <message>
            <source>Sends go through the engine's routing, exactly like a carrier webhook.</source>
            <translation>Gesendetes läuft durch das Routing der Engine, genau wie ein Netzbetreiber-Webhook.</translation>
        </message>
        <message>
            <source>No simulator carrier in this build.</source>
            <translation>Dieser Build hat keinen Simulator-Netzbetreiber.</translation>
        </message>
        <message>
            <source>Give the handset's number (From) and the proxy number it texts (To).</source>
            <translation>Geben Sie die Nummer des Telefons (Von) und die Proxy-Nummer an, an die es schreibt (An).</translation>
        </message>
        <message>
            <source>Give the handset's number (From) and the proxy number it calls (To).</source>
            <translation>Geben Sie die Nummer des Telefons (Von) und die Proxy-Nummer an, die es anruft (An).</translation>
        </message>
        <message>
            <source>refused: %1</source>
            <translation>abgelehnt: %1</translation>
        </message>
        <message>
            <source>SMS</source>
            <translation>SMS</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Anruf</translation>
        </message>
        <message>
            <source>%1 from %2 to %3 was not routed — %4</source>
            <translation>%1 von %2 an %3 wurde nicht geroutet — %4</translation>
        </message>
        <message>
            <source>%1 from %2 to %3 was not forwarded — %4</source>
            <translation>%1 von %2 an %3 wurde nicht weitergeleitet — %4</translation>
        </message>
        <message>
            <source>%1 from %2 to %3: %4</source>
            <translation>%1 von %2 an %3: %4</translation>
        </message>
    </context>
    <context>
        <name>Maskline::SimulatorTrafficModel</name>
        <message>
            <source>handset → Maskline</source>
            <translation>Telefon → Maskline</translation>
        </message>
        <message>
            <source>Maskline → handset</source>
            <translation>Maskline → Telefon</translation>
        </message>
        <message>
            <source>SMS</source>
            <translation>SMS</translation>
        </message>
        <message>
            <source>MMS</source>
            <translation>MMS</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Anruf</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>Zeit</translation>
        </message>
        <message>
            <source>Direction</source>
            <translation>Richtung</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>From</source>
            <translation>Von</translation>
        </message>
        <message>
            <source>To</source>
            <translation>An</translation>
        </message>
        <message>
            <source>Body</source>
            <translation>Text</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>Ergebnis</translation>
        </message>
    </context>
    <context>
        <name>Maskline::StartupProblemDialog</name>
        <message>
            <source>Maskline cannot start with the saved settings</source>
            <translation>Maskline kann mit den gespeicherten Einstellungen nicht starten</translation>
        </message>
        <message>
            <source>&lt;b&gt;The engine cannot start with the settings saved in Engine ▸ Settings:&lt;/b&gt;&lt;br&gt;%1&lt;br&gt;&lt;br&gt;Fix them now, or start this time with the built-in simulator (no real messages; the saved settings stay as they are).</source>
            <translation>&lt;b&gt;Die Engine kann mit den unter Engine ▸ Einstellungen gespeicherten Einstellungen nicht starten:&lt;/b&gt;&lt;br&gt;%1&lt;br&gt;&lt;br&gt;Korrigieren Sie sie jetzt, oder starten Sie diesmal mit dem eingebauten Simulator (keine echten Nachrichten; die gespeicherten Einstellungen bleiben, wie sie sind).</translation>
        </message>
        <message>
            <source>&amp;Fix settings…</source>
            <translation>Einstellungen &amp;korrigieren …</translation>
        </message>
        <message>
            <source>Start with the &amp;simulator</source>
            <translation>Mit dem &amp;Simulator starten</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Beenden</translation>
        </message>
    </context>
    <context>
        <name>Maskline::TrafficModel</name>
        <message>
            <source>Minute</source>
            <translation>Minute</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>Nachrichten</translation>
        </message>
        <message>
            <source>Calls</source>
            <translation>Anrufe</translation>
        </message>
        <message>
            <source>Warnings</source>
            <translation>Warnungen</translation>
        </message>
        <message>
            <source>Errors</source>
            <translation>Fehler</translation>
        </message>
        <message>
            <source>Refused (429)</source>
            <translation>Abgelehnt (429)</translation>
        </message>
    </context>
    <context>
        <name>Maskline::TrafficPane</name>
        <message>
            <source>Traffic per minute, last hour</source>
            <translation>Verkehr pro Minute, letzte Stunde</translation>
        </message>
        <message>
            <source>per minute</source>
            <translation>pro Minute</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>Nachrichten</translation>
        </message>
        <message>
            <source>Calls</source>
            <translation>Anrufe</translation>
        </message>
        <message>
            <source>Debugger warnings</source>
            <translation>Debugger-Warnungen</translation>
        </message>
        <message>
            <source>Debugger errors</source>
            <translation>Debugger-Fehler</translation>
        </message>
        <message>
            <source>Refused (rate limit)</source>
            <translation>Abgelehnt (Ratenlimit)</translation>
        </message>
        <message>
            <source>Traffic chart</source>
            <translation>Verkehrsdiagramm</translation>
        </message>
    </context>
</TS>
