#include "sessionspane.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "core/clock.h"
#include "debuggerlogmodel.h"
#include "engineclient.h"
#include "formatting.h"
#include "interactionmodel.h"
#include "participantdialog.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "sessionmodel.h"
#include "statusdelegate.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

SessionsPane::SessionsPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_ctx(context)
    , m_model(new SessionModel(context.reader, context.clock, this))
    , m_participants(new ParticipantModel(context.reader, this))
    , m_interactions(new InteractionModel(context.reader, this))
    , m_refusals(new DebuggerLogModel(context.reader, 500, this))
{
    auto *layout = new QVBoxLayout(this);

    // Filters
    auto *filters = new QGridLayout;
    m_service = new ServiceCombo(context.services, true, this);
    m_status = new QComboBox(this);
    m_status->addItem(tr("Any status"), QString());
    m_status->addItem(tr("Active (open or in progress)"), u"active"_s);
    m_status->addItem(tr("Open"), SessionStatus::OPEN);
    m_status->addItem(tr("In progress"), SessionStatus::IN_PROGRESS);
    m_status->addItem(tr("Closed"), SessionStatus::CLOSED);
    m_status->addItem(tr("Failed"), SessionStatus::FAILED);
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("Unique name starts with… or KC… SID"));
    m_text->setClearButtonEnabled(true);
    m_identifier = new QLineEdit(this);
    m_identifier->setPlaceholderText(tr("Participant number, e.g. +14155550100"));
    m_identifier->setClearButtonEnabled(true);
    m_proxyNumber = new QLineEdit(this);
    m_proxyNumber->setPlaceholderText(tr("Proxy number"));
    m_proxyNumber->setClearButtonEnabled(true);
    m_dated = new QCheckBox(tr("Created between"), this);
    m_from = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-7), this);
    m_to = new QDateTimeEdit(QDateTime::currentDateTime().addDays(1), this);
    for (QDateTimeEdit *e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
        e->setEnabled(false);
    }
    auto *clear = new QPushButton(tr("Clear filters"), this);
    filters->addWidget(new QLabel(tr("Service:"), this), 0, 0);
    filters->addWidget(m_service, 0, 1);
    filters->addWidget(new QLabel(tr("Status:"), this), 0, 2);
    filters->addWidget(m_status, 0, 3);
    filters->addWidget(m_text, 0, 4);
    filters->addWidget(clear, 0, 5);
    auto *second = new QHBoxLayout;
    second->addWidget(m_identifier, 2);
    second->addWidget(m_proxyNumber, 2);
    second->addSpacing(12);
    second->addWidget(m_dated);
    second->addWidget(m_from);
    second->addWidget(new QLabel(u"–"_s, this));
    second->addWidget(m_to);
    second->addStretch(1);
    filters->addLayout(second, 1, 0, 1, 6);
    filters->setColumnStretch(4, 1);
    layout->addLayout(filters);

    // Actions
    auto *actions = new QHBoxLayout;
    auto *create = new QPushButton(tr("&New session…"), this);
    m_close = new QPushButton(tr("C&lose…"), this);
    m_reopen = new QPushButton(tr("Re-&open"), this);
    m_delete = new QPushButton(tr("&Delete…"), this);
    m_summary = new QLabel(this);
    actions->addWidget(create);
    actions->addWidget(m_close);
    actions->addWidget(m_reopen);
    actions->addWidget(m_delete);
    actions->addStretch();
    actions->addWidget(m_summary);
    layout->addLayout(actions);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);
    m_firstRun = new QLabel(this);
    m_firstRun->setObjectName(u"firstRunGuide"_s);
    m_firstRun->setWordWrap(true);
    m_firstRun->setTextFormat(Qt::RichText);
    m_firstRun->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_firstRun->setStyleSheet(u"QLabel#firstRunGuide { background: #e8f0fe; border: 1px solid #b3c7f2; "
                              u"padding: 10px; }"_s);
    m_firstRun->setVisible(false);
    connect(m_firstRun, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == u"session"_s) {
            newSession();
        } else {
            Q_EMIT firstRunStepRequested(link);
        }
    });
    layout->addWidget(m_firstRun);

    m_splitter = new QSplitter(Qt::Vertical, this);
    layout->addWidget(m_splitter, 1);

    m_view = makeTable(m_splitter);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setModel(m_model);
    enableSorting(m_view);
    m_view->setItemDelegateForColumn(SessionModel::StatusColumn, new StatusDelegate(m_view));
    m_view->setAccessibleName(tr("Sessions"));
    m_view->setColumnWidth(SessionModel::StatusColumn, 110);
    m_view->setColumnWidth(SessionModel::UniqueNameColumn, 170);
    m_view->setColumnWidth(SessionModel::SidColumn, 270);
    m_view->setColumnWidth(SessionModel::ModeColumn, 130);
    m_view->setColumnWidth(SessionModel::ExpiresInColumn, 100);
    m_view->setColumnWidth(SessionModel::DateExpiryColumn, 140);
    m_view->setColumnWidth(SessionModel::TtlColumn, 60);
    m_view->setColumnWidth(SessionModel::LastInteractionColumn, 140);
    m_splitter->addWidget(m_view);

    // Detail panel: the session, its participants and its interactions.
    m_detailSplitter = new QSplitter(Qt::Horizontal, m_splitter);
    auto *detailScroll = new QScrollArea(m_detailSplitter);
    detailScroll->setWidgetResizable(true);
    detailScroll->setFrameShape(QFrame::NoFrame);
    m_details = new QLabel(detailScroll);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setWordWrap(true);
    m_details->setMargin(6);
    detailScroll->setWidget(m_details);
    m_detailSplitter->addWidget(detailScroll);

    m_tabs = new QTabWidget(m_detailSplitter);
    auto *participantsPage = new QWidget(m_tabs);
    auto *pl = new QVBoxLayout(participantsPage);
    auto *pActions = new QHBoxLayout;
    m_addParticipant = new QPushButton(tr("&Add participant…"), participantsPage);
    m_removeParticipant = new QPushButton(tr("&Remove participant…"), participantsPage);
    pActions->addWidget(m_addParticipant);
    pActions->addWidget(m_removeParticipant);
    pActions->addStretch();
    pl->addLayout(pActions);
    m_mapping = new QLabel(participantsPage);
    m_mapping->setWordWrap(true);
    m_mapping->setTextInteractionFlags(Qt::TextSelectableByMouse);
    pl->addWidget(m_mapping);
    m_participantBanner = new MessageBanner(participantsPage);
    pl->addWidget(m_participantBanner);
    m_participantView = makeTable(participantsPage);
    m_participantView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_participantView->setModel(m_participants);
    m_participantView->setAccessibleName(tr("Participants"));
    m_participantView->setColumnWidth(ParticipantModel::IdentifierColumn, 170);
    m_participantView->setColumnWidth(ParticipantModel::MappingColumn, 30);
    m_participantView->setColumnWidth(ParticipantModel::ProxyNumberColumn, 170);
    pl->addWidget(m_participantView);
    m_tabs->addTab(participantsPage, tr("&Participants"));

    m_interactionView = makeTable(m_tabs);
    m_interactionView->setModel(m_interactions);
    m_interactionView->setAccessibleName(tr("Interactions"));
    m_interactionView->setColumnWidth(InteractionModel::TimeColumn, 140);
    m_interactionView->setColumnWidth(InteractionModel::TypeColumn, 70);
    m_interactionView->setColumnWidth(InteractionModel::DirectionColumn, 230);
    m_interactionView->setColumnWidth(InteractionModel::ContentColumn, 220);
    m_tabs->addTab(m_interactionView, tr("&Interactions"));
    m_refusalView = makeTable(m_tabs);
    m_refusalView->setModel(m_refusals);
    m_refusalView->setAccessibleName(tr("Refused and dropped traffic"));
    m_refusalView->setColumnWidth(DebuggerLogModel::TimeColumn, 140);
    m_refusalView->setColumnWidth(DebuggerLogModel::LevelColumn, 70);
    m_refusalView->setColumnWidth(DebuggerLogModel::CodeColumn, 60);
    m_tabs->addTab(m_refusalView, tr("Refused && dropped"));
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_refusals, signal, this, &SessionsPane::updateRefusalsTab);
    }
    connect(m_refusals, &QAbstractItemModel::modelReset, this, &SessionsPane::updateRefusalsTab);
    m_detailSplitter->addWidget(m_tabs);
    m_detailSplitter->setStretchFactor(0, 1);
    m_detailSplitter->setStretchFactor(1, 3);
    // Wide enough for a SID on its own line (34 characters), so the details never scroll sideways.
    detailScroll->setMinimumWidth(fontMetrics().horizontalAdvance(u"KC0123456789abcdef0123456789abcdef"_s) + 40);
    m_detailSplitter->setSizes({380, 700});
    m_splitter->addWidget(m_detailSplitter);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({460, 340});

    // Filters apply when typing pauses; combos and dates at once.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &SessionsPane::applyFilters);
    for (QLineEdit *e : {m_text, m_identifier, m_proxyNumber}) {
        connect(e, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
        connect(e, &QLineEdit::returnPressed, this, &SessionsPane::applyFilters);
    }
    connect(m_service, &ServiceCombo::serviceChanged, this, &SessionsPane::applyFilters);
    connect(m_status, &QComboBox::currentIndexChanged, this, &SessionsPane::applyFilters);
    connect(m_dated, &QCheckBox::toggled, this, [this](bool on) {
        m_from->setEnabled(on);
        m_to->setEnabled(on);
        applyFilters();
    });
    connect(m_from, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_to, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(clear, &QPushButton::clicked, this, &SessionsPane::clearFilters);
    // The filter rows in reading order — first row, then second — and Clear filters after them, then the list.
    QWidget *order[] = {m_service, m_status, m_text, m_identifier, m_proxyNumber, m_dated, m_from, m_to, clear, m_view};
    for (size_t i = 1; i < std::size(order); ++i) {
        setTabOrder(order[i - 1], order[i]);
    }
    for (QLineEdit *e : {m_text, m_identifier, m_proxyNumber}) {
        e->setAccessibleName(e->placeholderText());
    }

    m_newAction = makeAction(tr("&New session…"), &SessionsPane::newSession, create);
    m_closeAction = makeAction(tr("&Close session…"), &SessionsPane::closeSelected, m_close);
    m_reopenAction = makeAction(tr("&Re-open session"), &SessionsPane::reopenSelected, m_reopen);
    m_deleteAction = makeAction(tr("&Delete session…"), &SessionsPane::deleteSelected, m_delete);
    m_addParticipantAction = makeAction(tr("&Add participant…"), &SessionsPane::addParticipant, m_addParticipant);
    m_removeParticipantAction =
        makeAction(tr("Re&move participant…"), &SessionsPane::removeParticipant, m_removeParticipant);
    createMoreActions(actions, pActions);
    connect(m_participantView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SessionsPane::updateDetails);
    connect(m_model, &PagedSqlModelBase::pageLoaded, this, &SessionsPane::updateFirstRun);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SessionsPane::updateFirstRun);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::updateFirstRun);
    if (m_ctx.services) {
        connect(m_ctx.services, &PagedSqlModelBase::pageLoaded, this, &SessionsPane::updateFirstRun);
        connect(m_ctx.services, &QAbstractItemModel::rowsInserted, this, &SessionsPane::updateFirstRun);
        connect(m_ctx.services, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::updateFirstRun);
    }
    connect(m_view, &QWidget::customContextMenuRequested, this, &SessionsPane::showContextMenu);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SessionsPane::handleCurrentChanged);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &SessionsPane::updateDetails);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SessionsPane::handleCurrentChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::updateDetails);
    connect(m_model, &PagedSqlModelBase::pageLoaded, this, &SessionsPane::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SessionsPane::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::updateSummary);
    connect(m_model, &PagedSqlModelBase::readFailed, this,
            [this](const QString &message) { m_banner->showError(tr("Cannot read sessions: %1").arg(message)); });
    auto selectPending = [this]() {
        if (!m_pendingSelect.isEmpty() && m_model->rowOfSid(m_pendingSelect) >= 0) {
            const QString sid = std::exchange(m_pendingSelect, {});
            selectSession(sid);
        }
    };
    connect(m_model, &PagedSqlModelBase::pageLoaded, this, selectPending);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, selectPending);

    connect(m_participants, &PagedSqlModelBase::pageLoaded, this, &SessionsPane::selectPendingParticipant);
    for (QAbstractItemModel *m : {static_cast<QAbstractItemModel *>(m_participants)}) {
        connect(m, &QAbstractItemModel::modelReset, this, &SessionsPane::updateMapping);
        connect(m, &QAbstractItemModel::rowsInserted, this, &SessionsPane::updateMapping);
        connect(m, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::updateMapping);
        connect(m, &QAbstractItemModel::dataChanged, this, &SessionsPane::updateMapping);
    }
    updateDetails();
    updateMapping();
}

QAction *SessionsPane::makeAction(const QString &text, void (SessionsPane::*slot)(), QPushButton *button)
{
    auto *action = new QAction(text, this);
    connect(action, &QAction::triggered, this, slot);
    connect(button, &QPushButton::clicked, action, &QAction::trigger);
    connect(action, &QAction::enabledChanged, button, &QWidget::setEnabled);
    button->setEnabled(action->isEnabled());
    return action;
}

void SessionsPane::updateFirstRun()
{
    // Only an empty store gets the checklist: an empty result of a filter is just an empty result.
    SessionFilter unfiltered;
    unfiltered.accountSid = m_accountSid;
    const bool empty = m_model->isLoaded() && m_model->rowCount() == 0 && m_model->sessionFilter() == unfiltered &&
                       !m_accountSid.isEmpty();
    if (!empty) {
        m_firstRun->setVisible(false);
        return;
    }
    const bool hasService = m_ctx.services && m_ctx.services->rowCount() > 0;
    const QString done = u"<span style='color:#1b5e20'>&#10003;</span>"_s;
    const QString todo = u"<span style='color:#777'>&#9675;</span>"_s;
    m_firstRun->setText(
        tr("<b>Welcome to Maskline.</b> No sessions yet — four steps to see masked traffic:"
           "<table cellpadding='2'>"
           "<tr><td>%1</td><td>1. <a href='service'>Create a Service</a> (Services tab): a pool of numbers and "
           "its rules.</td></tr>"
           "<tr><td>%2</td><td>2. <a href='numbers'>Add proxy numbers</a> to its pool (Numbers tab).</td></tr>"
           "<tr><td>%2</td><td>3. <a href='session'>Open a session</a> with two participants' real numbers."
           "</td></tr>"
           "<tr><td>%2</td><td>4. <a href='simulator'>Try the Simulator</a>: text a proxy number from a "
           "participant's number and watch it forwarded.</td></tr></table>"
           "Or look around first: <a href='demo'>open a demo store</a> (File ▸ Open demo store) with services, "
           "numbers, sessions and traffic in a temporary file.")
            .arg(hasService ? done : todo, todo));
    m_firstRun->setVisible(true);
}

void SessionsPane::handleDebuggerEvent(const DebuggerEvent &event)
{
    if (m_refusals->historyFilter().matches(event)) {
        m_refusals->handleEventRecorded(event);
    }
}

void SessionsPane::updateRefusalsTab()
{
    const int n = m_refusals->rowCount();
    const int index = m_tabs->indexOf(m_refusalView);
    m_tabs->setTabText(index, n > 0 ? tr("Refused && dropped (%1)").arg(n) : tr("Refused && dropped"));
    m_tabs->tabBar()->setTabTextColor(index, n > 0 ? QColor(u"#b26a00"_s) : QColor());
}

void SessionsPane::setAccountSid(const QString &accountSid)
{
    m_accountSid = accountSid;
    applyFilters();
}

void SessionsPane::applyFilters()
{
    m_debounce.stop();
    SessionFilter f;
    f.accountSid = m_accountSid;
    f.serviceSid = m_service->currentSid();
    f.status = m_status->currentData().toString();
    f.text = m_text->text().trimmed();
    f.identifier = m_identifier->text().trimmed();
    f.proxyNumber = m_proxyNumber->text().trimmed();
    if (m_dated->isChecked()) {
        f.createdFrom = m_from->dateTime().toUTC();
        f.createdTo = m_to->dateTime().toUTC();
    }
    if (f == m_model->sessionFilter() && m_model->isLoaded()) {
        return;
    }
    m_banner->clearMessage();
    m_model->setFilter(f);
    updateSummary();
}

void SessionsPane::clearFilters()
{
    const QSignalBlocker b1(m_status);
    const QSignalBlocker b2(m_dated);
    m_status->setCurrentIndex(0);
    m_dated->setChecked(false);
    m_from->setEnabled(false);
    m_to->setEnabled(false);
    m_text->clear();
    m_identifier->clear();
    m_proxyNumber->clear();
    m_service->setCurrentSid(QString());
    applyFilters();
}

void SessionsPane::focusFilter()
{
    m_text->setFocus();
    m_text->selectAll();
}

void SessionsPane::jumpToSession(const QString &sessionSid)
{
    clearFilters();
    m_text->setText(sessionSid);
    applyFilters();
    m_pendingSelect = sessionSid;
}

void SessionsPane::showHolders(const QString &serviceSid, const QString &numberSid, const QString &number)
{
    Q_UNUSED(numberSid)
    clearFilters();
    m_service->setCurrentSid(serviceSid);
    m_status->setCurrentIndex(m_status->findData(u"active"_s));
    m_proxyNumber->setText(number);
    applyFilters();
}

void SessionsPane::showSessionsOf(const QString &identifier)
{
    clearFilters();
    m_identifier->setText(identifier);
    applyFilters();
}

void SessionsPane::showParticipant(const QString &participantSid)
{
    m_pendingParticipant = participantSid;
    m_tabs->setCurrentWidget(m_participantView->parentWidget()); // the Participants page
    selectPendingParticipant();
}

void SessionsPane::selectPendingParticipant()
{
    if (m_pendingParticipant.isEmpty()) {
        return;
    }
    const int row = m_participants->rowOfSid(m_pendingParticipant);
    if (row < 0) {
        return;
    }
    m_pendingParticipant.clear();
    m_participantView->setCurrentIndex(m_participants->index(row, 0));
    m_participantView->selectRow(row);
}

void SessionsPane::selectSession(const QString &sid)
{
    const int row = m_model->rowOfSid(sid);
    if (row < 0) {
        m_pendingSelect = sid;
        return;
    }
    m_view->setCurrentIndex(m_model->index(row, 0));
    m_view->selectRow(row);
    m_view->scrollTo(m_model->index(row, 0));
}

QString SessionsPane::selectedSid() const
{
    return currentSid(m_view);
}

const Session *SessionsPane::selectedSession() const
{
    const QModelIndex i = m_view->currentIndex();
    return i.isValid() ? m_model->rowAt(i.row()) : nullptr;
}

void SessionsPane::handleCurrentChanged()
{
    const Session *s = selectedSession();
    m_participants->setSessionSid(s ? s->sid : QString());
    m_interactions->setSessionSid(s ? s->sid : QString());
    DebuggerLogFilter refusals;
    // Nothing selected: a SID no event names, so the list is empty rather than every event in the store.
    refusals.sid = s ? s->sid : u"KC-none"_s;
    refusals.levels = DebuggerLogFilter::Error | DebuggerLogFilter::Warning;
    if (m_refusals->historyFilter() != refusals) {
        m_refusals->setHistoryFilter(refusals);
    }
    m_participantBanner->clearMessage();
    updateDetails();
    updateMapping();
}

void SessionsPane::updateDetails()
{
    const Session *s = selectedSession();
    const QModelIndex p = m_participantView->currentIndex();
    m_closeAction->setEnabled(s && s->isActive());
    m_reopenAction->setEnabled(s && s->status == SessionStatus::CLOSED);
    m_deleteAction->setEnabled(s != nullptr);
    m_addParticipantAction->setEnabled(s && s->isActive());
    m_removeParticipantAction->setEnabled(s && p.isValid() && m_participants->rowAt(p.row()) &&
                                          !m_participants->rowAt(p.row())->dateDeleted.isValid());
    updateMoreActions(s);
    if (!s) {
        m_details->setText(tr("<i>Select a session to see its details, participants and interactions.</i>"));
        return;
    }
    if (m_participants->sessionSid() != s->sid) {
        handleCurrentChanged();
        return;
    }
    const QDateTime now = m_ctx.clock ? m_ctx.clock->now() : QDateTime::currentDateTimeUtc();
    const QColor colour = StatusDelegate::colourFor(s->status);
    auto row = [](const QString &label, const QString &value) {
        return u"<tr><td style='color:#666;padding-right:8px'>%1</td><td>%2</td></tr>"_s.arg(label.toHtmlEscaped(),
                                                                                             value.toHtmlEscaped());
    };
    QString html = u"<b style='font-size:large'>%1</b><br><span style='color:%2'>&#9679; %3</span><table>"_s.arg(
        (s->uniqueName.isEmpty() ? s->sid : s->uniqueName).toHtmlEscaped(), colour.name(),
        SessionModel::statusText(s->status).toHtmlEscaped());
    // SIDs are long words that cannot wrap: each gets a whole line under its label, so a narrow panel (1024 px wide
    // windows) needs no sideways scrolling.
    auto wide = [](const QString &label, const QString &value) {
        return u"<tr><td colspan='2' style='color:#666'>%1</td></tr><tr><td colspan='2'>%2</td></tr>"_s.arg(
            label.toHtmlEscaped(), value.toHtmlEscaped());
    };
    html += wide(tr("SID"), s->sid);
    const Service *service = m_ctx.services ? m_ctx.services->rowAt(m_ctx.services->rowOfSid(s->serviceSid)) : nullptr;
    html += wide(tr("Service"), service ? u"%1 · %2"_s.arg(service->uniqueName, s->serviceSid) : s->serviceSid);
    html += row(tr("Mode"), s->mode);
    html += row(tr("TTL"), s->ttl > 0 ? Format::duration(s->ttl) : tr("none"));
    html += row(tr("date_expiry"), Format::dateTime(s->dateExpiry));
    html +=
        row(tr("Expires"),
            s->isActive() ? Format::countdown(s->expiresAt, now) +
                                (s->expiresAt.isValid() ? u" ("_s + Format::dateTime(s->expiresAt) + u")"_s : QString())
                          : u"—"_s);
    html += row(tr("Created"), Format::dateTime(s->dateCreated));
    html += row(tr("Started"), Format::dateTime(s->dateStarted));
    html += row(tr("Last interaction"), Format::dateTime(s->dateLastInteraction));
    if (!s->isActive()) {
        html += row(tr("Ended"), Format::dateTime(s->dateEnded));
        html += row(tr("Closed reason"), s->closedReason.isEmpty() ? u"—"_s : s->closedReason);
    }
    html += u"</table>"_s;
    m_details->setText(html);
}

void SessionsPane::updateMapping()
{
    QStringList lines;
    for (const Participant &p : m_participants->rows()) {
        if (p.dateDeleted.isValid()) {
            continue;
        }
        lines.append(tr("%1 ↔ %2").arg(p.identifier, p.proxyIdentifier));
    }
    if (m_participants->sessionSid().isEmpty()) {
        m_mapping->clear();
    } else if (lines.isEmpty()) {
        m_mapping->setText(tr("No participants yet. Add two: each gets a proxy number to text and call."));
    } else {
        m_mapping->setText(tr("Real number ↔ proxy number it talks through: %1. Each side only ever sees the "
                              "other's proxy number.")
                               .arg(lines.join(u";  "_s)));
    }
    m_interactions->setParticipantNames(m_participants->identifiers());
    updateMoreActions(selectedSession());
}

void SessionsPane::updateSummary()
{
    if (!m_model->isLoaded()) {
        m_summary->setText(tr("Loading…"));
        return;
    }
    const int n = m_model->rowCount();
    m_summary->setText(m_model->hasMore() ? tr("%n session(s) shown — scroll for more", "", n)
                                          : tr("%n session(s)", "", n));
}

void SessionsPane::newSession()
{
    m_banner->clearMessage();
    if (!m_ctx.services || m_ctx.services->rowCount() == 0) {
        m_banner->showError(tr("Create a service first (Services tab): sessions belong to a service."));
        return;
    }
    // The dialog's Service starts as the one the list is filtered to; with "All services" the operator picks.
    NewSessionDialog dialog(m_ctx, m_service->currentSid(), this);
    if (dialog.exec() == QDialog::Accepted) {
        m_banner->showInfo(tr("Session %1 created in %2.").arg(dialog.created().sid, dialog.serviceName()));
        selectSession(dialog.created().sid);
    }
}

void SessionsPane::setStatus(const QString &status)
{
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    m_banner->clearMessage();
    m_ctx.engine->setSessionStatus(s->serviceSid, s->sid, status, this, [this](Result<Session> r) {
        if (!r) {
            m_banner->showError(EngineClient::describe(r.error()));
            return;
        }
        m_banner->showInfo(r->status == SessionStatus::CLOSED ? tr("Session %1 closed.").arg(r->sid)
                                                              : tr("Session %1 re-opened (in progress).").arg(r->sid));
    });
}

void SessionsPane::closeSelected()
{
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    const QString name = s->uniqueName.isEmpty() ? s->sid : s->uniqueName;
    m_banner->clearMessage();
    if (s->isActive() &&
        QMessageBox::question(this, tr("Close session"),
                              tr("Close session %1?\n\nIts participants stop reaching each other through their proxy "
                                 "numbers at once. You can re-open it later (it comes back in progress).")
                                  .arg(name),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    setStatus(SessionStatus::CLOSED);
}

void SessionsPane::reopenSelected()
{
    // A closed session can only come back as in-progress (80608 otherwise).
    setStatus(SessionStatus::IN_PROGRESS);
}

void SessionsPane::deleteSelected()
{
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    const QString sid = s->sid;
    const QString service = s->serviceSid;
    if (QMessageBox::question(this, tr("Delete session"),
                              tr("Delete session %1 with its participants and interactions? This cannot be undone.")
                                  .arg(s->uniqueName.isEmpty() ? sid : s->uniqueName),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    m_banner->clearMessage();
    m_ctx.engine->deleteSession(service, sid, this, [this, sid](Status st) {
        if (!st) {
            m_banner->showError(EngineClient::describe(st.error()));
            return;
        }
        m_banner->showInfo(tr("Session %1 deleted.").arg(sid));
    });
}

void SessionsPane::addParticipant()
{
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    AddParticipantDialog dialog(m_ctx, s->serviceSid, s->sid, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_participantBanner->showInfo(
            tr("Added %1, who texts and calls %2.").arg(dialog.added().identifier, dialog.added().proxyIdentifier));
    }
}

void SessionsPane::removeParticipant()
{
    const Session *s = selectedSession();
    const QModelIndex i = m_participantView->currentIndex();
    const Participant *p = i.isValid() ? m_participants->rowAt(i.row()) : nullptr;
    if (!s || !p) {
        m_participantBanner->showError(tr("Select the participant to remove."));
        return;
    }
    m_participantBanner->clearMessage();
    if (QMessageBox::question(
            this, tr("Remove participant"),
            tr("Remove %1 (proxy number %2) from session %3?\n\nThis cannot be undone: the same "
               "number can never be added to this session again.")
                .arg(p->identifier, p->proxyIdentifier, s->uniqueName.isEmpty() ? s->sid : s->uniqueName),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    m_ctx.engine->removeParticipant(s->serviceSid, s->sid, p->sid, this, [this](Result<Participant> r) {
        if (!r) {
            m_participantBanner->showError(EngineClient::describe(r.error()));
            return;
        }
        m_participantBanner->showInfo(
            tr("Removed %1; it can never be added to this session again.").arg(r->identifier));
    });
}

void SessionsPane::showContextMenu(const QPoint &pos)
{
    const QModelIndex i = m_view->indexAt(pos);
    if (!i.isValid()) {
        return;
    }
    m_view->setCurrentIndex(i);
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    QMenu menu(this);
    const QString sid = s->sid;
    menu.addAction(tr("Copy SID"), this, [sid]() { QApplication::clipboard()->setText(sid); });
    menu.addAction(tr("Open"), this, [this]() { m_tabs->setCurrentIndex(0); });
    menu.addSeparator();
    menu.addAction(m_closeAction);
    menu.addAction(m_reopenAction);
    menu.addAction(m_addParticipantAction);
    menu.addAction(m_editAction);
    menu.addAction(m_sendAction);
    menu.addSeparator();
    menu.addAction(m_deleteAction);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void SessionsPane::saveState(QSettings &settings) const
{
    saveViewState(settings, u"sessions"_s, m_view);
    saveViewState(settings, u"participants"_s, m_participantView);
    saveViewState(settings, u"interactions"_s, m_interactionView);
    saveSplitterState(settings, u"sessions"_s, m_splitter);
    saveSplitterState(settings, u"sessions-detail"_s, m_detailSplitter);
}

void SessionsPane::restoreState(QSettings &settings)
{
    restoreViewState(settings, u"sessions"_s, m_view);
    restoreViewState(settings, u"participants"_s, m_participantView);
    restoreViewState(settings, u"interactions"_s, m_interactionView);
    restoreSplitterState(settings, u"sessions"_s, m_splitter);
    restoreSplitterState(settings, u"sessions-detail"_s, m_detailSplitter);
}

} // namespace Maskline
